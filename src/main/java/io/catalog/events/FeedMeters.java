package io.catalog.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of {@link FeedApplier}: events applied by this pod, and how long each took to get here, from its
 * occurrence (the writer's clock) and from its append to the stream (Redis' clock: the feed's share).
 */
record FeedMeters(Counter applied, Timer propagation, Timer delivery) {

    FeedMeters(MeterRegistry registry) {
        this(Counter.builder("catalog.events.applied").description("Events applied by this pod").register(registry),
                Timer.builder("catalog.events.propagation")
                        .description("Delay from an event's occurrence to its application on this pod")
                        .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().register(registry),
                Timer.builder("catalog.events.delivery")
                        .description("Delay from an event's entry into the stream (the entry id's time, Redis' clock,"
                                + " whole milliseconds) to its application on this pod: the feed's share of the"
                                + " propagation")
                        .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().register(registry));
    }
}
