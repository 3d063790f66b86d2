package io.catalog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;

import org.junit.jupiter.api.Test;

/** The lab counts every failed request and keeps the first few, with what came back. */
class LabFailuresTest {

    @Test
    void countsEveryFailureAndKeepsTheFirstFewWithWhatCameBack() {
        LabFailures failures = new LabFailures(0);
        failures.add("GET /products/p1 on pod-1: 503 " + LabFailures.summary(
                "{\"type\":\"about:blank\",\"title\":\"Store unavailable\",\"status\":503}"), 1_500_000_000L);
        failures.add(new UncheckedIOException("http://pod-2/products/p2",
                new HttpTimeoutException("request timed out")), 2_000_000_000L);
        failures.add("GET /products/p3 on varnish: 503 <html>\n  <body>Backend fetch failed</body>\n</html>", 2_500_000_000L);
        for (int i = 0; i < 9; i++) {
            failures.add("another", 3_000_000_000L);
        }

        assertThat(failures.count()).isEqualTo(12);
        assertThat(failures.first()).hasSize(LabFailures.KEPT);
        assertThat(failures.first().get(0)).isEqualTo("t=1.5 s: GET /products/p1 on pod-1: 503 Store unavailable");
        assertThat(failures.first().get(1)).isEqualTo("t=2.0 s: UncheckedIOException: http://pod-2/products/p2 "
                + "(HttpTimeoutException: request timed out)");
        assertThat(failures.first().get(2)).isEqualTo("t=2.5 s: GET /products/p3 on varnish: 503 <html> <body>Backend "
                + "fetch failed</body> </html>");
    }

    @Test
    void aBodyWithoutATitleIsShownCut() {
        assertThat(LabFailures.summary("")).isEqualTo("(no body)");
        assertThat(LabFailures.summary("x".repeat(200))).hasSize(121);
    }
}
