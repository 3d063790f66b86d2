package io.catalog.support;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.prometheus.client.exemplars.ExemplarSampler;
import io.quarkus.arc.Unremovable;
import io.quarkus.micrometer.runtime.export.exemplars.NoopOpenTelemetryExemplarContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryExemplarContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpentelemetryExemplarSamplerProvider;

/**
 * Prometheus exemplars only while this pod traces. With quarkus-opentelemetry on the classpath, quarkus-micrometer
 * gives the Prometheus registry an exemplar sampler whatever the tracing settings: every timer and counter update
 * (the HTTP server timer of each request, the cache counters) then asks OpenTelemetry for the current span through
 * the Vert.x context, and the HTTP server metrics record each request's timer inside the request's OpenTelemetry
 * context for it (the context unwrapper): together about 5 % of an L1 hit's CPU in a JFR profile. With tracing off
 * (the default) there is never a span, so no exemplar is ever written: the sampler is left out and the unwrapper is
 * quarkus-micrometer's own no-op (what it uses without OpenTelemetry). With tracing on, both are Quarkus' as before.
 * The metrics exported are the same either way.
 */
public class Exemplars {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Optional<ExemplarSampler> exemplarSampler(Tracing tracing, OpentelemetryExemplarSamplerProvider quarkus) {
        return tracing.on() ? quarkus.exemplarSampler() : Optional.empty();
    }

    /** Unremovable: quarkus-micrometer looks it up programmatically, which Arc's removal of unused beans does not see. */
    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    @Unremovable
    OpenTelemetryContextUnwrapper contextUnwrapper(Tracing tracing, OpenTelemetryExemplarContextUnwrapper quarkus) {
        return tracing.on() ? quarkus : new NoopOpenTelemetryExemplarContextUnwrapper();
    }
}
