package io.catalog.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.catalog.events.StreamWorker.OnFailure;
import io.catalog.events.StreamWorker.Round;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Makes the {@link StreamWorker}s of the application on Quarkus' executor (the {@link ScheduledExecutorService}
 * bean: the worker pool, with Vert.x timers for delays) and stops them all when the application stops, before the
 * Redis client closes: first every worker is told to stop, then each is waited for.
 */
@ApplicationScoped
public class StreamWorkers {

    /**
     * What an asynchronous round may take beyond its read's {@code BLOCK}: the blocking API's wait for one command
     * ({@code quarkus.redis.timeout}, 5 s) was the bound of a blocking round's commands.
     */
    static final Duration ROUND_SLACK = Duration.ofSeconds(5);

    private final ScheduledExecutorService executor;
    private final MeterRegistry registry;
    private final List<StreamWorker> workers = new CopyOnWriteArrayList<>();

    public StreamWorkers(ScheduledExecutorService executor, MeterRegistry registry) {
        this.executor = executor;
        this.registry = registry;
    }

    /** A new worker, not started yet. */
    public StreamWorker create(String name, Round round, OnFailure onFailure) {
        StreamWorker worker = new StreamWorker(name, round, onFailure, executor, registry);
        workers.add(worker);
        return worker;
    }

    /**
     * A new worker of asynchronous rounds ({@link StreamWorker.AsyncRound}), not started yet, each round failed when
     * it has not ended within {@code block} (its read's {@code BLOCK}) and {@link #ROUND_SLACK}.
     */
    public StreamWorker createAsync(String name, StreamWorker.AsyncRound round, Duration block, OnFailure onFailure) {
        StreamWorker worker = new StreamWorker(name, round, block.plus(ROUND_SLACK), onFailure, executor, registry);
        workers.add(worker);
        return worker;
    }

    /** Stops every worker and waits for their rounds in progress. */
    public void stopAll() {
        workers.forEach(StreamWorker::halt);
        workers.forEach(StreamWorker::awaitIdle);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopAll();
    }
}
