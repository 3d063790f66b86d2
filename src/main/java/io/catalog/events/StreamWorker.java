package io.catalog.events;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.catalog.support.RedisFailure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One long-running reader of a Redis stream, as a sequence of rounds on Quarkus' executor instead of a thread of its
 * own. A round is one blocking read (bounded by its {@code BLOCK} timeout) and what the reader does with it; when it
 * returns, the next round is handed to the executor at once, so no pool thread is held between rounds.
 *
 * <p>
 * A round that fails is {@link RedisFailure classified} and reported to the reader (which, say, drops its L1 or
 * recreates its consumer group); a failure the deployment shows while it heals is logged at DEBUG, any other at WARN
 * once per streak. The next round then waits {@link #FIRST_BACKOFF}, doubled after every further failure up to
 * {@link #MAX_BACKOFF}, and back to none after a round succeeds. The wait is a timer of that same executor (a Vert.x
 * timer in Quarkus), never a sleeping thread.
 *
 * <p>
 * {@link #stop()} stops scheduling rounds, interrupts the round in progress (a blocking read waits on a latch,
 * which gives up when interrupted) and waits for it to end, at most {@link #STOP_WAIT}. The interrupt can only
 * reach the thread while it runs a round: it is sent and cleared under the same lock.
 *
 * <p>
 * Metrics, tagged with the worker's name: {@code catalog.stream.worker.failures} (tagged with the error code or
 * kind) and {@code catalog.stream.worker.backoff} (seconds the next round waits; 0 while rounds succeed).
 */
public final class StreamWorker {

    private static final Logger LOG = Logger.getLogger(StreamWorker.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    static final Duration STOP_WAIT = Duration.ofSeconds(2);

    /** One round of a reader: a bounded blocking read and what is done with its result. */
    @FunctionalInterface
    public interface Round {
        void run();
    }

    /** What the reader does when a round failed, before the worker backs off. */
    @FunctionalInterface
    public interface OnFailure {
        void failed(RedisFailure failure);
    }

    private final String name;
    private final Round round;
    private final OnFailure onFailure;
    private final ScheduledExecutorService executor;
    private final MeterRegistry registry;
    private final Object lock = new Object();
    private boolean running;
    private Thread current;
    private Future<?> next;
    private volatile long backoffNanos;

    StreamWorker(String name, Round round, OnFailure onFailure, ScheduledExecutorService executor,
            MeterRegistry registry) {
        this.name = name;
        this.round = round;
        this.onFailure = onFailure;
        this.executor = executor;
        this.registry = registry;
        Gauge.builder("catalog.stream.worker.backoff", this, w -> w.backoffNanos / 1e9).baseUnit("seconds")
                .tag("worker", name).description("How long the stream worker waits before its next round")
                .register(registry);
    }

    /** The worker's name, as in its metrics and logs. */
    public String name() {
        return name;
    }

    /** Whether rounds are being scheduled. */
    public boolean running() {
        synchronized (lock) {
            return running;
        }
    }

    /** Starts the rounds; does nothing if they run already. */
    public void start() {
        synchronized (lock) {
            if (running) {
                return;
            }
            running = true;
            backoffNanos = 0;
            scheduleNext();
        }
    }

    /** Stops the rounds and waits (at most {@link #STOP_WAIT}) for the one in progress to end. */
    public void stop() {
        synchronized (lock) {
            halt();
            awaitIdle();
        }
    }

    /** Stops scheduling rounds and interrupts the one in progress, without waiting for it. */
    void halt() {
        synchronized (lock) {
            running = false;
            if (next != null) {
                next.cancel(false);
                next = null;
            }
            if (current != null) {
                current.interrupt();
            }
        }
    }

    /** Waits (at most {@link #STOP_WAIT}) until no round is in progress. */
    void awaitIdle() {
        synchronized (lock) {
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (current != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warnf("Stream worker %s: a round still runs after %s", name, STOP_WAIT);
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void scheduleNext() {
        long delay = backoffNanos;
        next = delay == 0 ? executor.submit(this::runRound)
                : executor.schedule(() -> executor.execute(this::runRound), delay, TimeUnit.NANOSECONDS);
    }

    private void runRound() {
        synchronized (lock) {
            if (!running || current != null) {
                return;
            }
            current = Thread.currentThread();
        }
        boolean succeeded = false;
        try {
            round.run();
            succeeded = true;
        } catch (RuntimeException e) {
            failed(e);
        } finally {
            synchronized (lock) {
                current = null;
                Thread.interrupted();
                backoffNanos = succeeded ? 0 : nextBackoff(backoffNanos);
                if (running) {
                    scheduleNext();
                }
                lock.notifyAll();
            }
        }
    }

    private void failed(RuntimeException e) {
        RedisFailure failure = RedisFailure.of(e);
        if (!running()) {
            return;
        }
        registry.counter("catalog.stream.worker.failures", "worker", name, "error", failure.tag()).increment();
        if (failure.passing() || backoffNanos != 0) {
            LOG.debugf("Stream worker %s: round failed, will retry: %s", name, failure.detail());
        } else {
            LOG.warnf(e, "Stream worker %s: round failed, will retry", name);
        }
        try {
            onFailure.failed(failure);
        } catch (RuntimeException handlerFailure) {
            LOG.warnf(handlerFailure, "Stream worker %s: failure handler failed", name);
        }
    }

    static long nextBackoff(long currentNanos) {
        return currentNanos == 0 ? FIRST_BACKOFF.toNanos() : Math.min(currentNanos * 2, MAX_BACKOFF.toNanos());
    }
}
