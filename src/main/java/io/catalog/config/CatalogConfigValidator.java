package io.catalog.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Rejects, at start-up, settings that are well-formed but out of their allowed range, naming each of them.
 */
@ApplicationScoped
public class CatalogConfigValidator {

    static final Duration L1_TTL_MIN = Duration.ofSeconds(1);
    static final Duration L1_TTL_MAX = Duration.ofSeconds(60);

    /** Shortest cursor secret production accepts. */
    static final int CURSOR_SECRET_MIN_LENGTH = 32;

    void onStart(@Observes StartupEvent event, CatalogConfig config) {
        List<String> problems = problems(config);
        if (!LaunchMode.current().isDevOrTest()) {
            problems.addAll(productionProblems(config));
        }
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
        if (config.edge().cloudfront().monthlyPathBudget() < 0) {
            problems.add("catalog.edge.cloudfront.monthly-path-budget must not be negative");
        }
        if (config.l1().maximumSize() < 1 || config.l1().maximumWeight().asLongValue() < 1
                || config.l1().maximumFloors() < 1) {
            problems.add("catalog.l1.maximum-size, catalog.l1.maximum-weight and catalog.l1.maximum-floors must be"
                    + " at least 1");
        }
        return problems;
    }

    /**
     * What production (the packaged application, not dev or test mode) refuses on top: the built-in cursor secret,
     * public in the repository, would let anyone forge cursors.
     */
    public static List<String> productionProblems(CatalogConfig config) {
        List<String> problems = new ArrayList<>();
        String secret = config.cursor().secret();
        if (secret.equals(CatalogConfig.Cursor.BUILT_IN_SECRET) || secret.length() < CURSOR_SECRET_MIN_LENGTH) {
            problems.add("catalog.cursor.secret (CATALOG_CURSOR_SECRET) must be set in production to a random secret"
                    + " of at least " + CURSOR_SECRET_MIN_LENGTH + " characters, the same on every instance; the"
                    + " built-in one is public and lets anyone forge pagination cursors");
        }
        return problems;
    }
}
