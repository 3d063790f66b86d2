package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.prometheus.client.exemplars.ExemplarSampler;
import io.quarkus.arc.Arc;
import io.quarkus.micrometer.runtime.export.exemplars.NoopOpenTelemetryExemplarContextUnwrapper;
import io.quarkus.micrometer.runtime.export.exemplars.OpenTelemetryContextUnwrapper;
import io.quarkus.test.junit.QuarkusTest;

/**
 * With tracing off (the default) the Prometheus registry samples no exemplars and the HTTP server metrics record
 * outside any OpenTelemetry context ({@code io.catalog.support.Exemplars}); the metrics are exported all the same.
 * {@link TracingTest} checks that exemplars are kept while tracing.
 */
@QuarkusTest
class ExemplarsTest {

    @Inject
    Optional<ExemplarSampler> exemplarSampler;

    @Test
    void withoutTracingNothingLooksForASpan() {
        assertThat(exemplarSampler).as("the registry's exemplar sampler").isEmpty();
        // looked up as quarkus-micrometer does (an injection point here would keep a bean Arc removes from the app)
        assertThat(Arc.container().instance(OpenTelemetryContextUnwrapper.class).get())
                .isInstanceOf(NoopOpenTelemetryExemplarContextUnwrapper.class);

        String id = uniqueId("exemplar");
        create(id, uniqueCategory("exemplar"), "2.00");
        anyone().get("/products/{id}", id);
        String metrics = anyone().header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/q/metrics").asString();
        assertThat(metrics).contains("http_server_requests_seconds_count{", "catalog_cache_requests_total{");
    }
}
