package io.catalog.events;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.catalog.support.RedisFailure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * One long-running reader of a Redis stream, as a sequence of rounds instead of a thread of its own. A round is one
 * read (bounded by its {@code BLOCK} timeout) and what the reader does with it, in one of two forms:
 * <ul>
 * <li>a {@link Round}, which blocks a thread of Quarkus' executor while it runs; when it returns, the next round is
 * handed to the executor at once, so no pool thread is held between rounds;</li>
 * <li>an {@link AsyncRound}, which blocks no thread: its commands are asynchronous and it completes where their
 * answers arrive, on a Vert.x event loop, and the next round starts right there. A Redis answer is then acted on by
 * the thread that received it, with no hand-over to a worker thread and back for each command (on 2 busy cores each
 * hand-over is a thread to wake and schedule, a good share of an acknowledgement's path between pods). The first
 * round starts on the executor.</li>
 * </ul>
 *
 * <p>
 * A round that fails is {@link RedisFailure classified} and reported to the reader (which, say, drops its L1 or
 * recreates its consumer group); a failure the deployment shows while it heals is logged at DEBUG, any other at WARN
 * once per streak. The next round then waits {@link #FIRST_BACKOFF}, doubled after every further failure up to
 * {@link #MAX_BACKOFF}, and back to none after a round succeeds. The wait is a timer of that same executor (a Vert.x
 * timer in Quarkus), never a sleeping thread.
 *
 * <p>
 * {@link #stop()} stops scheduling rounds, interrupts a blocking round in progress (a blocking read waits on a
 * latch, which gives up when interrupted) and waits for the round in progress to end, at most {@link #STOP_WAIT}. The
 * interrupt can only reach the thread while it runs a round: it is sent and cleared under the same lock. An
 * asynchronous round still running then is cancelled (none of its later steps runs); a step that must not run once
 * the worker stopped (trusting L1 again) runs {@link #ifRunning under the worker's lock}.
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

    /** One round that blocks no thread: it completes when its last asynchronous step has. */
    @FunctionalInterface
    public interface AsyncRound {
        Uni<Void> run();
    }

    /** What the reader does when a round failed, before the worker backs off. */
    @FunctionalInterface
    public interface OnFailure {
        void failed(RedisFailure failure);
    }

    private final String name;
    private final Round round;
    private final AsyncRound asyncRound;
    /** How long an asynchronous round may take before it fails (its commands have no deadline of their own). */
    private final Duration roundTimeout;
    private final OnFailure onFailure;
    private final ScheduledExecutorService executor;
    private final MeterRegistry registry;
    private final Object lock = new Object();
    private boolean running;
    private Thread current;
    /** The asynchronous round in progress, or {@code null}. */
    private Pending pending;
    private Future<?> next;
    private volatile long backoffNanos;

    StreamWorker(String name, Round round, OnFailure onFailure, ScheduledExecutorService executor,
            MeterRegistry registry) {
        this(name, round, null, null, onFailure, executor, registry);
    }

    /**
     * A worker of asynchronous rounds, each failed when it has not ended within {@code roundTimeout}: the reactive
     * Redis client gives a command no deadline (the blocking API's {@code quarkus.redis.timeout} is its wait), so a
     * reply lost to a half-open connection or a failover would otherwise leave the round, and the feed, hanging.
     */
    StreamWorker(String name, AsyncRound round, Duration roundTimeout, OnFailure onFailure,
            ScheduledExecutorService executor, MeterRegistry registry) {
        this(name, null, round, roundTimeout, onFailure, executor, registry);
    }

    private StreamWorker(String name, Round round, AsyncRound asyncRound, Duration roundTimeout, OnFailure onFailure,
            ScheduledExecutorService executor, MeterRegistry registry) {
        this.name = name;
        this.round = round;
        this.asyncRound = asyncRound;
        this.roundTimeout = roundTimeout;
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

    /**
     * Runs {@code step} under the worker's lock if the worker runs, and answers whether it ran: a step that must not
     * happen once {@link #stop()} has begun (a round that ends while the application stops).
     */
    public boolean ifRunning(Runnable step) {
        synchronized (lock) {
            if (!running) {
                return false;
            }
            step.run();
            return true;
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

    /** Waits (at most {@link #STOP_WAIT}) until no round is in progress; an asynchronous one is cancelled then. */
    void awaitIdle() {
        synchronized (lock) {
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (current != null || pending != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warnf("Stream worker %s: a round still runs after %s", name, STOP_WAIT);
                    if (pending != null && pending.subscription != null) {
                        pending.subscription.cancel();
                        pending = null;
                    }
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
        if (asyncRound != null) {
            startAsync();
            return;
        }
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

    /** An asynchronous round in progress: who subscribed to it, and its subscription once subscribe returned. */
    private static final class Pending {
        final Thread subscriber = Thread.currentThread();
        boolean subscribed;
        Cancellable subscription;
    }

    /**
     * Starts an asynchronous round; its end starts the next one where it ended (on the executor when it ended
     * within the subscription, so that rounds never nest).
     */
    private void startAsync() {
        Pending round;
        synchronized (lock) {
            if (!running || pending != null) {
                return;
            }
            round = new Pending();
            pending = round;
        }
        Cancellable subscription;
        try {
            subscription = asyncRound.run().ifNoItem().after(roundTimeout)
                    .failWith(() -> new TimeoutException("round of stream worker " + name + " took over " + roundTimeout))
                    .subscribe().with(ignored -> asyncEnded(round, null), failure -> asyncEnded(round, failure));
        } catch (Throwable e) { // a round that could not start still ends: the next one is scheduled
            asyncEnded(round, e);
            return;
        }
        synchronized (lock) {
            round.subscribed = true;
            round.subscription = subscription;
        }
    }

    private void asyncEnded(Pending round, Throwable failure) {
        if (failure != null) {
            failed(failure instanceof RuntimeException e ? e : new IllegalStateException(failure));
        }
        boolean inline;
        synchronized (lock) {
            if (pending != round) {
                return; // cancelled by awaitIdle meanwhile
            }
            pending = null;
            backoffNanos = failure == null ? 0 : nextBackoff(backoffNanos);
            boolean nested = !round.subscribed && round.subscriber == Thread.currentThread();
            inline = running && backoffNanos == 0 && !nested;
            if (running && !inline) {
                scheduleNext();
            }
            lock.notifyAll();
        }
        if (inline) {
            startAsync();
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
