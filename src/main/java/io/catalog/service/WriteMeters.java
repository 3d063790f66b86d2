package io.catalog.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of {@link CatalogWriter}: writes refused because their item's outbox was full, writes by the read they needed
 * ({@code catalog.writes.reads{outcome}}), and where a write's time goes
 * before its acknowledgement ({@code catalog.write.steps{step}}).
 */
record WriteMeters(Counter refused, Counter unread, Counter cold, Counter changed, Counter landed, Timer readStep,
        Timer putStep, Timer publishStep) {

    WriteMeters(MeterRegistry registry) {
        this(Counter.builder("catalog.writes.outbox.full")
                .description("Writes refused (503, nothing stored) because their item already held the most"
                        + " unpublished events it may (the sinks were down): no acknowledged change's event is dropped")
                .register(registry),
                reads("none", registry), reads("cold", registry), reads("changed", registry),
                Counter.builder("catalog.writes.landed")
                        .description("Writes whose conditional write DynamoDB applied though its answer was lost (an"
                                + " attempt timed out or failed after the write): the SDK sent it again, its condition"
                                + " failed on the write itself, and the next read found the write's own sequence;"
                                + " answered as stored, once")
                        .register(registry),
                step("read", "knowing the item (what L1 holds of it, or a strongly consistent read) and taking a"
                        + " sequence (from this pod's block: no round trip unless a new block is needed)", registry),
                step("put", "building the new item and its event, and the conditional write of the item with the"
                        + " event in its outbox", registry),
                step("publish", "the publish of one write's event: counters, the L2 marker and the summaries' script"
                        + " at once, then the stream append (the wait for the other pods after it:"
                        + " catalog.events.ack.wait; a batch's publish is not timed here)", registry));
    }

    private static Counter reads(String outcome, MeterRegistry registry) {
        return Counter.builder("catalog.writes.reads").tag("outcome", outcome)
                .description("Admin writes by the read they needed: none (this pod's L1 held the item, unchanged since),"
                        + " cold (L1 held nothing usable: the item was read first), changed (L1's copy was outdated, or the"
                        + " outbox full: the write read the item and started again)")
                .register(registry);
    }

    private static Timer step(String step, String what, MeterRegistry registry) {
        return Timer.builder("catalog.write.steps").tag("step", step)
                .description("The steps of an admin write before its acknowledgement; this one: " + what)
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
    }
}
