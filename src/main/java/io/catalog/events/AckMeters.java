package io.catalog.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The meters of {@link PodAcks}: how long writes and purges wait for the other pods, and why. */
record AckMeters(Counter timeouts, Counter purgeTimeouts, Timer purgeWaits, Timer waits, Timer sends, Timer lags) {

    AckMeters(MeterRegistry registry, AckTracker tracker) {
        this(Counter.builder("catalog.events.ack.timeouts")
                .description("Writes whose acknowledgement waited longer than ack-timeout: a pod stalled, died or was"
                        + " slow, and the write waited out its lease (at most feed-stale-after after the append)")
                .register(registry),
                Counter.builder("catalog.edge.purge.ack.timeouts")
                        .description("Edge purges that waited longer than ack-timeout for every live pod, this one"
                                + " included, to apply their events (then the lease)")
                        .register(registry),
                percentiles(Timer.builder("catalog.edge.purge.ack.wait").description(
                        "How long edge purges waited for every live pod, this one included, to apply their events"),
                        registry),
                percentiles(Timer.builder("catalog.events.ack.wait")
                        .description("How long writes waited for the other live pods to apply their event"), registry),
                percentiles(Timer.builder("catalog.events.ack.send").description(
                        "Round trips of this pod's acknowledgements (one XADD from the feed's worker thread)"),
                        registry),
                percentiles(Timer.builder("catalog.events.ack.lag").description("From an entry's append to the"
                        + " stream (Redis' clock, whole milliseconds) until this pod read another pod's acknowledgement"
                        + " of it: that pod's delivery, apply and acknowledgement, and this pod's listener; the bulk of"
                        + " a write's wait"), registry));
        Gauge.builder("catalog.events.ack.pods", tracker, AckTracker::pods)
                .description("Other pods this pod knows as live (heard within the liveness period)").register(registry);
        Gauge.builder("catalog.events.ack.waiting", tracker, AckTracker::waiting)
                .description("Writes waiting now for the other pods' acknowledgements").register(registry);
    }

    private static Timer percentiles(Timer.Builder timer, MeterRegistry registry) {
        return timer.publishPercentiles(0.5, 0.9, 0.99).serviceLevelObjectives(FeedMeters.BOUNDS).register(registry);
    }
}
