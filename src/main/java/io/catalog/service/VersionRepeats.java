package io.catalog.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what {@link AggregateLabels} cannot prevent (docs/COHERENCE.md, "Not covered"): a page or a category summary
 * that this pod serves under an {@code X-Cache-Version} it served before with another body. Under concurrent writers a
 * change can take a lower sequence than one a page already shows, so the page's computed version stays where it was
 * while its body changes; the label issued through Redis (or, when Redis gives none, a sequence of this pod's) keeps
 * one body per version, except when neither answers and the computed version is served. The {@code ETag} and the
 * edge purge change with the body; what this counts is only what the label promises. Repeats between pods (one body
 * on one pod, another on another, under one version) are not seen here; the fault run's checker counts those from
 * its recorded reads.
 * <p>
 * Bounded: the last version and {@code ETag} served of the newest {@link #MAXIMUM_SIZE} pages and summaries, each
 * forgotten {@link CacheCoherence#FLOOR_RETENTION} after it was last served.
 */
@ApplicationScoped
public class VersionRepeats {

    static final long MAXIMUM_SIZE = 10_000;

    /** What was served under a key: its version and the {@code ETag} of its body. */
    private record Shown(long version, String etag) {
    }

    private final Cache<String, Shown> shown;
    private final Counter pages;
    private final Counter summaries;

    @Inject
    public VersionRepeats(MeterRegistry registry) {
        this(registry, Ticker.systemTicker(), MAXIMUM_SIZE, CacheCoherence.FLOOR_RETENTION);
    }

    VersionRepeats(MeterRegistry registry, Ticker ticker, long maximumSize, Duration retention) {
        this.shown = Caffeine.newBuilder().ticker(ticker).maximumSize(maximumSize).expireAfterAccess(retention)
                .build();
        this.pages = counter(registry, "page");
        this.summaries = counter(registry, "summary");
    }

    private static Counter counter(MeterRegistry registry, String kind) {
        return Counter.builder("catalog.aggregates.version.repeats").tag("kind", kind)
                .description("Pages or summaries this pod served under an X-Cache-Version it had served before with"
                        + " another body (concurrent writers; docs/COHERENCE.md, Not covered)")
                .register(registry);
    }

    /** A page ({@code listing}, size and cursor: what its URL names) about to be served; {@code served} unchanged. */
    public Served page(String key, Served served) {
        observe("p:" + key, served.value(), pages);
        return served;
    }

    /** A category's summary about to be served; {@code served} unchanged. */
    public Served summary(String category, Served served) {
        observe("s:" + category, served.value(), summaries);
        return served;
    }

    private void observe(String key, CachedValue value, Counter repeats) {
        if (!value.exists()) {
            return;
        }
        long version = value.version();
        String etag = value.etag();
        shown.asMap().compute(key, (k, before) -> {
            if (before == null || version > before.version()) {
                return new Shown(version, etag);
            }
            if (version == before.version() && !etag.equals(before.etag())) {
                repeats.increment();
                return new Shown(version, etag);
            }
            return before; // an older version (an aggregate computed again, lower): not what this counts
        });
    }
}
