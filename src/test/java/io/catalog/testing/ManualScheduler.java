package io.catalog.testing;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A scheduler on a virtual clock that runs nothing by itself: tests {@link #advance} the clock and the tasks that
 * came due run on the test's thread, in order. Tasks handed to {@code execute} or {@code submit} are due now. The
 * delays asked for are recorded, so a test can check a backoff without waiting for it.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong order = new AtomicLong();
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.order));
    /** Every delay asked for with {@code schedule}, in order. */
    public final List<Duration> delays = new CopyOnWriteArrayList<>();

    /** The virtual clock, for code that reads time through a ticker. */
    public Ticker ticker() {
        return now::get;
    }

    /** Runs every task due now (and the tasks they make due now). */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward, running every task that comes due on the way, at its time. */
    public void advance(Duration duration) {
        long until = now.get() + duration.toNanos();
        for (Task task = poll(until); task != null; task = poll(until)) {
            now.set(Math.max(now.get(), task.due));
            task.body.run();
            if (task.period > 0 && !task.cancelled) {
                task.due = now.get() + task.period;
                add(task);
            }
        }
        now.set(until);
    }

    /** Tasks waiting, due or not. */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    private synchronized Task poll(long until) {
        while (!queue.isEmpty() && queue.peek().cancelled) {
            queue.poll();
        }
        return queue.isEmpty() || queue.peek().due > until ? null : queue.poll();
    }

    private synchronized Task add(Task task) {
        task.order = order.incrementAndGet();
        queue.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command) {
        add(new Task(command, now.get(), 0));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        delays.add(Duration.ofNanos(unit.toNanos(delay)));
        return add(new Task(command, now.get() + unit.toNanos(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(new Task(command, now.get() + unit.toNanos(initialDelay), unit.toNanos(period)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("owned by the test");
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("owned by the test");
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable body;
        final long period;
        volatile long due;
        volatile long order;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable body, long due, long period) {
            this.body = () -> {
                body.run();
                done = period == 0;
            };
            this.due = due;
            this.period = period;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - now.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean was = !cancelled && !done;
            cancelled = true;
            return was;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
