package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.appliedEvents;
import static io.catalog.testing.TestCatalog.awaitApplied;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.ReadSpans;
import io.catalog.events.EventSpans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.prometheus.client.exemplars.ExemplarSampler;
import io.quarkus.arc.Arc;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryExemplarContextUnwrapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Traces with the SDK on and an in-memory exporter: one span per tier a read consults, with {@code cache.tier},
 * {@code cache.hit} and the version served, in the request's trace; and each pod's application of an event in the
 * trace of the write that made it.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
class TracingTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms",
                    "quarkus.otel.traces.sampler", "always_on");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(Exporter.class);
        }
    }

    /** The exporter the SDK sends spans to in this profile. */
    @Alternative
    @Priority(1)
    @Singleton
    public static class Exporter {
        static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return SPANS;
        }
    }

    @Inject
    CacheCoherence coherence;

    @Inject
    Optional<ExemplarSampler> exemplarSampler;

    @BeforeEach
    void reset() {
        Exporter.SPANS.reset();
    }

    @Test
    void aMissAnL2HitAndAnL1HitEachHaveTheirTierSpans() {
        String id = uniqueId("traced");
        double applied = appliedEvents();
        create(id, uniqueCategory("traced"), "4.00");
        String key = "p:" + id;
        await().atMost(Duration.ofSeconds(10)).until(coherence::l1Trusted);
        awaitApplied(applied, 1); // this pod's own feed applied the event too (it puts the version into L1 again)
        coherence.l1().flush(); // the write put its new version into L1 and a marker into L2: the first read misses
        long version = Long.parseLong(anyone().get("/products/{id}", id).then().extract().header("X-Cache-Version"));
        coherence.l1().flush();
        assertThat(anyone().get("/products/{id}", id).header("X-Cache")).isEqualTo("L2");
        assertThat(anyone().get("/products/{id}", id).header("X-Cache")).isEqualTo("L1");

        List<SpanData> tiers = await().atMost(Duration.ofSeconds(10)).until(() -> tierSpans(key), s -> s.size() >= 6);
        // the miss: L1 (miss), L2 (miss), the store (the version loaded)
        assertTier(tiers.get(0), "l1", false, null);
        assertTier(tiers.get(1), "l2", false, null);
        assertTier(tiers.get(2), "store", true, version);
        // after L1 was flushed: L1 (miss), L2 (hit)
        assertTier(tiers.get(3), "l1", false, null);
        assertTier(tiers.get(4), "l2", true, version);
        // then L1 answers
        assertTier(tiers.get(5), "l1", true, version);
        // each read's tier spans are children of its request's server span
        List<SpanData> servers = Exporter.SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER).toList();
        for (SpanData tier : tiers) {
            assertThat(servers).as("server span of %s", tier).anyMatch(server -> server.getTraceId().equals(
                    tier.getTraceId()) && server.getSpanId().equals(tier.getParentSpanId()));
        }
        assertThat(tiers.get(0).getTraceId()).isEqualTo(tiers.get(2).getTraceId()).isNotEqualTo(tiers.get(3).getTraceId());
    }

    @Test
    void metricsCarryExemplarsOfTheRequestsTrace() {
        assertThat(exemplarSampler).as("the registry's exemplar sampler").isPresent();
        // looked up as quarkus-micrometer does (an injection point here would keep a bean Arc removes from the app)
        assertThat(Arc.container().instance(OpenTelemetryContextUnwrapper.class).get())
                .isInstanceOf(OpenTelemetryExemplarContextUnwrapper.class);
        String id = uniqueId("traced-exemplar");
        create(id, uniqueCategory("traced"), "4.00");
        anyone().get("/products/{id}", id);
        String metrics = anyone().header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/q/metrics").asString();
        assertThat(metrics).containsPattern("catalog_cache_requests_total\\{[^}]*} [0-9.E]+ # \\{[^}]*trace_id=");
    }

    @Test
    void thePodsApplicationOfAnEventIsInTheWritesTrace() {
        String id = uniqueId("traced-write");
        create(id, uniqueCategory("traced"), "4.00");
        Exporter.SPANS.reset();
        patchPrice(id, "5.00");

        SpanData apply = await().atMost(Duration.ofSeconds(10)).until(() -> Exporter.SPANS.getFinishedSpanItems()
                .stream().filter(s -> s.getName().equals("catalog.apply"))
                .filter(s -> id.equals(s.getAttributes().get(EventSpans.PRODUCT))).findFirst().orElse(null),
                s -> s != null);
        SpanData write = await().atMost(Duration.ofSeconds(10)).until(() -> Exporter.SPANS.getFinishedSpanItems()
                .stream().filter(s -> s.getName().equals("catalog.write")).findFirst().orElse(null), s -> s != null);
        assertThat(apply.getTraceId()).isEqualTo(write.getTraceId());
        assertThat(apply.getLinks()).anyMatch(link -> link.getSpanContext().getTraceId().equals(write.getTraceId()));
        SpanData publish = Exporter.SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("catalog.publish"))
                .filter(s -> s.getLinks().stream().anyMatch(l -> l.getSpanContext().getTraceId()
                        .equals(write.getTraceId())))
                .findFirst().orElse(null);
        assertThat(publish).as("a publish span linked to the write").isNotNull();
    }

    private static List<SpanData> tierSpans(String key) {
        return Exporter.SPANS.getFinishedSpanItems().stream()
                .filter(s -> key.equals(s.getAttributes().get(ReadSpans.KEY)))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
    }

    private static void assertTier(SpanData span, String tier, boolean hit, Long version) {
        assertThat(span.getAttributes().get(ReadSpans.TIER)).as("%s", span).isEqualTo(tier);
        assertThat(span.getAttributes().get(ReadSpans.HIT)).as("%s", span).isEqualTo(hit);
        assertThat(span.getAttributes().get(ReadSpans.VERSION)).as("%s", span).isEqualTo(version);
    }
}
