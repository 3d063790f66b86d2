package io.catalog.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/**
 * Rejects, at start-up, settings that are well-formed but out of their allowed range, naming each of them.
 */
@ApplicationScoped
public class CatalogConfigValidator {

    static final Duration L1_TTL_MIN = Duration.ofSeconds(1);
    static final Duration L1_TTL_MAX = Duration.ofSeconds(60);

    void onStart(@Observes StartupEvent event, CatalogConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid configuration: " + String.join("; ", problems));
        }
    }

    /** The problems of a configuration, empty when it is valid. */
    public static List<String> problems(CatalogConfig config) {
        List<String> problems = new ArrayList<>();
        Duration ttl = config.l1().ttl();
        if (ttl.compareTo(L1_TTL_MIN) < 0 || ttl.compareTo(L1_TTL_MAX) > 0) {
            problems.add("catalog.l1.ttl must be between 1s and 60s, was " + ttl);
        }
        if (config.edge().maxAge().isNegative()) {
            problems.add("catalog.edge.max-age must not be negative");
        }
        if (config.l2().jitter() < 0 || config.l2().jitter() > 1) {
            problems.add("catalog.l2.jitter must be between 0 and 1");
        }
        if (!config.currency().matches("[A-Z]{3}")) {
            problems.add("catalog.currency must be an ISO 4217 code such as USD");
        }
        config.dax().endpoint().filter(e -> !e.startsWith("dax://") && !e.startsWith("daxs://"))
                .ifPresent(e -> problems.add("catalog.dax.endpoint must start with dax:// or daxs://"));
        if (config.dynamodb().writeConcurrency() < 1) {
            problems.add("catalog.dynamodb.write-concurrency must be at least 1");
        }
        CatalogConfig.Edge.Purge purge = config.edge().purge();
        if (purge.window().isNegative() || purge.retries() < 0) {
            problems.add("catalog.edge.purge.window and catalog.edge.purge.retries must not be negative");
        }
        int inFlight = config.edge().cloudfront().maxInFlight();
        if (inFlight < 1 || inFlight > 3000) {
            problems.add("catalog.edge.cloudfront.max-in-flight must be between 1 and 3000");
        }
        CatalogConfig.RateLimit limits = config.rateLimit();
        if (Math.min(limits.readsPerSecond(), Math.min(limits.checkoutPerSecond(), limits.adminPerSecond())) < 1
                || limits.maxClients() < 1) {
            problems.add("catalog.rate-limit.*-per-second and catalog.rate-limit.max-clients must be at least 1");
        }
        if (config.dynamodb().batchGetAttempts() < 1) {
            problems.add("catalog.dynamodb.batch-get-attempts must be at least 1");
        }
        if (config.edge().cloudfront().monthlyPathBudget() < 0) {
            problems.add("catalog.edge.cloudfront.monthly-path-budget must not be negative");
        }
        return problems;
    }
}
