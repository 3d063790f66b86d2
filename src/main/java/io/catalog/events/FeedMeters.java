package io.catalog.events;

import java.time.Duration;
import java.util.stream.DoubleStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of {@link FeedApplier}: events applied by this pod, and how long each took to get here, from its
 * occurrence (the writer's clock) and from its append to the stream (Redis' clock: the feed's share).
 */
record FeedMeters(Counter applied, Timer propagation, Timer delivery) {

    /**
     * Bucket bounds that the propagation, delivery and acknowledgement timers publish besides their percentiles
     * ({@code _bucket{le=…}}): the targets (a delivery within 1 ms at the median and 5 ms at the 99th percentile, a
     * write's wait within 2 ms) read as the share of observations within each bound, over any interval a dashboard or
     * a measurement chooses, where Micrometer's percentiles cover a sliding two minutes.
     */
    static final Duration[] BOUNDS = DoubleStream.of(0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 20, 50, 100, 250)
            .mapToObj(ms -> Duration.ofNanos(Math.round(ms * 1_000_000))).toArray(Duration[]::new);

    FeedMeters(MeterRegistry registry) {
        this(Counter.builder("catalog.events.applied").description("Events applied by this pod").register(registry),
                Timer.builder("catalog.events.propagation")
                        .description("Delay from an event's occurrence to its application on this pod")
                        .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().serviceLevelObjectives(BOUNDS)
                        .register(registry),
                Timer.builder("catalog.events.delivery")
                        .description("Delay from an event's entry into the stream (Redis' clock at the append, in"
                                + " microseconds) to its application on this pod: the feed's share of the propagation;"
                                + " below a millisecond only where Redis and the pod read the same clock (one host)")
                        .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().serviceLevelObjectives(BOUNDS)
                        .register(registry));
    }
}
