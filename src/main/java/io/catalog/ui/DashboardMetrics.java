package io.catalog.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.catalog.support.PodIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The dashboard's numbers, read from this pod's own meters (the same ones {@code /q/metrics} exports): propagation
 * percentiles, lookups per tier, the feed's health, edge purges and the CloudFront budget, and the operational figures
 * of the Grafana and CloudWatch dashboards (outbox, store loads, consistency checks, errors). A small JSON document
 * the page polls, instead of parsing the Prometheus text in the browser.
 */
@Path("/ui/dashboard/metrics")
@Tag(name = "Browser pages")
public class DashboardMetrics {

    private final MeterRegistry registry;
    private final String pod;

    /** One snapshot of this pod's coherence figures. */
    @RegisterForReflection
    public record Snapshot(String pod, long takenAt, Propagation propagation, Map<String, Tier> tiers, Feed feed,
            List<Purges> purges, CloudFront cloudFront, double liveStreams, Operations operations) {
    }

    /**
     * Counts since this pod started: events waiting in the outbox, DynamoDB loads (strongly consistent re-reads and
     * DAX fallbacks among them), whether the store's circuit breaker is open, the consistency checker's results
     * ({@code catalog.consistency.checks} by {@code result}; empty until the checker runs) and answers by class.
     */
    @RegisterForReflection
    public record Operations(double outboxPending, double storeLoads, double consistentReloads, double daxFallbacks,
            boolean storeBreakerOpen, Map<String, Double> consistencyChecks, Answers answers) {
    }

    /** HTTP answers of this pod: all of them, 5xx, 503 (store unavailable) and 429 (rate limited). */
    @RegisterForReflection
    public record Answers(double total, double serverErrors, double unavailable, double throttled) {
    }

    @RegisterForReflection
    public record Propagation(long count, double p50Millis, double p99Millis) {
    }

    @RegisterForReflection
    public record Tier(double hits, double misses) {
    }

    @RegisterForReflection
    public record Feed(boolean healthy, double lagSeconds, double applied) {
    }

    @RegisterForReflection
    public record Purges(String target, String outcome, double count) {
    }

    /** {@code configured} is false when no CloudFront distribution is set (no budget to spend). */
    @RegisterForReflection
    public record CloudFront(boolean configured, boolean budgetExhausted, double pathsInFlight) {
    }

    public DashboardMetrics(MeterRegistry registry, PodIdentity identity) {
        this.registry = registry;
        this.pod = identity.publicLabel();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "This pod's coherence figures for the dashboard")
    public Snapshot snapshot() {
        return new Snapshot(pod, System.currentTimeMillis(), propagation(), tiers(), feed(), purges(), cloudFront(),
                gauge("catalog.live.streams"), operations());
    }

    private Operations operations() {
        Map<String, Double> checks = new TreeMap<>();
        for (Counter counter : registry.find("catalog.consistency.checks").counters()) {
            checks.merge(String.valueOf(counter.getId().getTag("result")), counter.count(), Double::sum);
        }
        return new Operations(gauge("catalog.outbox.pending"), count("catalog.store.loads"),
                count("catalog.store.consistent.reloads"), count("catalog.store.dax.fallbacks"),
                gauge("catalog.store.breaker.open") == 1, checks, answers());
    }

    private Answers answers() {
        double total = 0;
        double serverErrors = 0;
        double unavailable = 0;
        double throttled = 0;
        for (Timer timer : registry.find("http.server.requests").timers()) {
            String status = String.valueOf(timer.getId().getTag("status"));
            long count = timer.count();
            total += count;
            serverErrors += status.startsWith("5") ? count : 0;
            unavailable += status.equals("503") ? count : 0;
            throttled += status.equals("429") ? count : 0;
        }
        return new Answers(total, serverErrors, unavailable, throttled);
    }

    private double count(String name) {
        double sum = 0;
        for (Counter counter : registry.find(name).counters()) {
            sum += counter.count();
        }
        return sum;
    }

    private Propagation propagation() {
        Timer timer = registry.find("catalog.events.propagation").timer();
        if (timer == null) {
            return new Propagation(0, 0, 0);
        }
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            if (value.percentile() == 0.5) {
                p50 = value.value(TimeUnit.MILLISECONDS);
            } else if (value.percentile() == 0.99) {
                p99 = value.value(TimeUnit.MILLISECONDS);
            }
        }
        return new Propagation(timer.count(), p50, p99);
    }

    private Map<String, Tier> tiers() {
        Map<String, double[]> counts = new TreeMap<>();
        for (Counter counter : registry.find("catalog.cache.requests").counters()) {
            double[] c = counts.computeIfAbsent(counter.getId().getTag("tier"), t -> new double[2]);
            c["hit".equals(counter.getId().getTag("result")) ? 0 : 1] += counter.count();
        }
        Map<String, Tier> tiers = new TreeMap<>();
        counts.forEach((tier, c) -> tiers.put(tier, new Tier(c[0], c[1])));
        return tiers;
    }

    private Feed feed() {
        Counter applied = registry.find("catalog.events.applied").counter();
        return new Feed(gauge("catalog.feed.healthy") == 1, gauge("catalog.feed.lag"),
                applied == null ? 0 : applied.count());
    }

    private List<Purges> purges() {
        List<Purges> purges = new ArrayList<>();
        for (Counter counter : registry.find("catalog.edge.purges").counters()) {
            purges.add(new Purges(counter.getId().getTag("target"), counter.getId().getTag("outcome"),
                    counter.count()));
        }
        return purges;
    }

    private CloudFront cloudFront() {
        Gauge exhausted = registry.find("catalog.edge.purge.budget.exhausted").gauge();
        return new CloudFront(exhausted != null, exhausted != null && exhausted.value() == 1,
                gauge("catalog.edge.purge.in.flight"));
    }

    private double gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null || Double.isNaN(gauge.value()) ? 0 : gauge.value();
    }
}
