package io.catalog.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of {@link CatalogWriter}: writes refused because their item's outbox was full, writes stored but not acknowledged,
 * and where a
 * write's time goes before its acknowledgement ({@code catalog.write.steps{step}}).
 */
record WriteMeters(Counter refused, Counter unconfirmed, Timer readStep, Timer putStep, Timer publishStep) {

    WriteMeters(MeterRegistry registry) {
        this(Counter.builder("catalog.writes.outbox.full")
                .description("Writes refused (503, nothing stored) because their item already held the most"
                        + " unpublished events it may (the sinks were down): no acknowledged change's event is dropped")
                .register(registry),
                Counter.builder("catalog.writes.unconfirmed")
                        .description("Writes stored but not acknowledged (503) because their publish failed or ran past"
                                + " its time (Redis or EventBridge down or slow): the relay publishes them later")
                        .register(registry),
                step("read", "the strongly consistent read of the item and the sequence reservation, at once",
                        registry),
                step("put", "building the new item and its event, and the conditional put of the item with the"
                        + " event in its outbox", registry),
                step("publish", "the publish of one write's event: counters and the L2 marker at once, the"
                        + " summaries' script, the stream append (the wait for the other pods after it:"
                        + " catalog.events.ack.wait; a batch's publish is not timed here)", registry));
    }

    private static Timer step(String step, String what, MeterRegistry registry) {
        return Timer.builder("catalog.write.steps").tag("step", step)
                .description("The steps of an admin write before its acknowledgement; this one: " + what)
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
    }
}
