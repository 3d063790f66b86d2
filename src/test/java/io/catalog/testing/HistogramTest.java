package io.catalog.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Bucket readings of a timer: the difference of two, shares within a bound, interpolated quantiles. */
class HistogramTest {

    private static String exposition(int withinOne, int withinFive, int total) {
        return """
                # TYPE catalog_events_delivery_seconds histogram
                catalog_events_delivery_seconds_bucket{le="0.001"} %d
                catalog_events_delivery_seconds_bucket{le="0.005"} %d
                catalog_events_delivery_seconds_bucket{le="+Inf"} %d
                catalog_events_delivery_seconds_count %d
                catalog_events_propagation_seconds_bucket{le="0.001"} 1000
                """.formatted(withinOne, withinFive, total, total);
    }

    @Test
    void theDifferenceOfTwoReadingsIsTheIntervalsObservationsOnly() {
        Histogram warmUp = Histogram.parse(exposition(10, 50, 100), "catalog_events_delivery_seconds");
        Histogram end = Histogram.parse(exposition(70, 148, 200), "catalog_events_delivery_seconds");

        Histogram measured = end.minus(warmUp);

        assertThat(measured.count()).isEqualTo(100);
        assertThat(measured.shareWithin(0.001)).isEqualTo(0.60);
        assertThat(measured.shareWithin(0.005)).isEqualTo(0.98);
    }

    @Test
    void aQuantileIsInterpolatedWithinItsBucket() {
        Histogram h = Histogram.parse(exposition(60, 98, 100), "catalog_events_delivery_seconds");

        assertThat(h.quantile(0.30)).isCloseTo(0.0005, within(1e-9)); // 30 of the first bucket's 60, from 0
        assertThat(h.quantile(0.79)).isCloseTo(0.001 + 0.004 * 19 / 38, within(1e-9));
        assertThat(h.quantile(0.99)).as("above the last finite bound").isEqualTo(0.005);
    }

    @Test
    void twoPodsReadingsAdd() {
        Histogram a = Histogram.parse(exposition(1, 2, 3), "catalog_events_delivery_seconds");
        Histogram b = Histogram.parse(exposition(4, 5, 6), "catalog_events_delivery_seconds");

        assertThat(a.plus(b).count()).isEqualTo(9);
        assertThat(a.plus(b).shareWithin(0.005)).isCloseTo(7.0 / 9, within(1e-9));
    }
}
