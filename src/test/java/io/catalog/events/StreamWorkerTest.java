package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.catalog.support.RedisFailure;
import io.catalog.testing.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.impl.types.ErrorType;

/** The loop of {@link StreamWorker}: restart after a failure, backoff, stop. Time is virtual except in the stop test. */
class StreamWorkerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RedisFailure> failures = new CopyOnWriteArrayList<>();

    private static Runnable fail(String redisError) {
        return () -> {
            throw new CompletionException(ErrorType.create(redisError));
        };
    }

    private double failuresCounted(String error) {
        return registry.get("catalog.stream.worker.failures").tags("worker", "test", "error", error).counter().count();
    }

    @Test
    void aFailedRoundIsRetriedAfterABackoffThatDoublesUpToASecondAndASuccessResets() {
        ManualScheduler scheduler = new ManualScheduler();
        AtomicReference<StreamWorker> self = new AtomicReference<>();
        Deque<Runnable> script = new ArrayDeque<>();
        for (int i = 0; i < 7; i++) {
            script.add(fail("LOADING Redis is loading the dataset in memory"));
        }
        AtomicInteger succeeded = new AtomicInteger();
        script.add(succeeded::incrementAndGet);
        script.add(succeeded::incrementAndGet);
        script.add(fail("READONLY You can't write against a read only replica."));
        script.add(() -> self.get().halt());
        StreamWorker worker = new StreamWorker("test", () -> script.poll().run(), failures::add, scheduler, registry);
        self.set(worker);

        worker.start();
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(script).as("every round ran").isEmpty();
        assertThat(succeeded.get()).isEqualTo(2);
        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMillis(50));
        assertThat(failures).hasSize(8).allMatch(RedisFailure::passing);
        assertThat(failures.get(0).is("LOADING")).isTrue();
        assertThat(failures.get(7).is("READONLY")).isTrue();
        assertThat(failuresCounted("LOADING")).isEqualTo(7);
        assertThat(failuresCounted("READONLY")).isEqualTo(1);
        assertThat(worker.running()).isFalse();
        assertThat(scheduler.pending()).as("nothing scheduled after the stop").isZero();
    }

    @Test
    void theReaderHearsOfEachFailureWithItsCodeBeforeTheNextRound() {
        ManualScheduler scheduler = new ManualScheduler();
        Deque<Runnable> script = new ArrayDeque<>(List.of(fail("NOGROUP No such key 's' or consumer group 'g'")));
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<StreamWorker> self = new AtomicReference<>();
        StreamWorker worker = new StreamWorker("test", () -> {
            Runnable next = script.poll();
            if (next == null) {
                seen.add("round after " + failures.size() + " failure(s)");
                self.get().halt();
            } else {
                next.run();
            }
        }, failure -> {
            failures.add(failure);
            seen.add("failure " + failure.code());
        }, scheduler, registry);
        self.set(worker);

        worker.start();
        scheduler.runDue();
        assertThat(seen).containsExactly("failure NOGROUP");
        scheduler.advance(Duration.ofMillis(49));
        assertThat(seen).as("still backing off").hasSize(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(seen).containsExactly("failure NOGROUP", "round after 1 failure(s)");
        assertThat(failuresCounted("NOGROUP")).isEqualTo(1);
    }

    @Test
    void stopInterruptsTheRoundInProgressWaitsForItAndStartsNoOther() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger rounds = new AtomicInteger();
            CountDownLatch blocked = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            StreamWorker worker = new StreamWorker("test", () -> {
                rounds.incrementAndGet();
                blocked.countDown();
                try {
                    new CountDownLatch(1).await(); // a blocking read that never gets an answer
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
            }, failures::add, executor, registry);

            worker.start();
            assertThat(blocked.await(10, TimeUnit.SECONDS)).as("the first round runs").isTrue();
            worker.stop();

            assertThat(interrupted).as("the blocked read was interrupted").isTrue();
            assertThat(worker.running()).isFalse();
            assertThat(failures).as("a stop is not a failure").isEmpty();
            // whatever the worker had scheduled would run before this task on the single thread
            boolean stillInterrupted = executor.submit(() -> Thread.currentThread().isInterrupted()).get(10,
                    TimeUnit.SECONDS);
            assertThat(stillInterrupted).as("the pool thread is handed back without the interrupt").isFalse();
            assertThat(rounds.get()).as("no round after the stop").isEqualTo(1);

            worker.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() == 2);
            worker.stop();
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Asynchronous rounds: the next starts only once the previous one ended, on the thread where it ended (no hand-over
     * to the executor); one that fails backs off as a blocking one does; one that ends within its own subscription
     * hands the next to the executor instead of nesting it.
     */
    @Test
    void asynchronousRoundsFollowEachOtherWhereTheyEnd() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        CompletableFuture<Void> first = new CompletableFuture<>();
        List<String> rounds = new CopyOnWriteArrayList<>();
        AtomicReference<StreamWorker> self = new AtomicReference<>();
        Deque<java.util.function.Supplier<Uni<Void>>> script = new ArrayDeque<>();
        script.add(() -> Uni.createFrom().completionStage(first));
        script.add(() -> Uni.createFrom().failure(new CompletionException(ErrorType.create("LOADING loading"))));
        AtomicBoolean insideRound3 = new AtomicBoolean();
        AtomicBoolean nested = new AtomicBoolean();
        script.add(() -> Uni.createFrom().emitter(e -> { // ends within its subscription
            insideRound3.set(true);
            e.complete(null);
            insideRound3.set(false);
        }));
        script.add(() -> {
            nested.set(insideRound3.get());
            self.get().halt();
            return Uni.createFrom().voidItem();
        });
        StreamWorker worker = new StreamWorker("test", () -> {
            rounds.add(Thread.currentThread().getName());
            return script.poll().get();
        }, Duration.ofSeconds(10), failures::add, scheduler, registry);
        self.set(worker);

        worker.start();
        scheduler.runDue();
        assertThat(rounds).as("the first round, started on the executor").hasSize(1);
        assertThat(scheduler.pending()).as("nothing more until it ends").isZero();

        Thread receiver = new Thread(() -> first.complete(null), "event-loop");
        receiver.start();
        receiver.join(10_000);
        assertThat(rounds).as("the second round started where the first ended").hasSize(2);
        assertThat(rounds.get(1)).isEqualTo("event-loop");
        assertThat(failures).hasSize(1);
        assertThat(scheduler.delays).as("it failed: the backoff").containsExactly(Duration.ofMillis(50));

        scheduler.advance(Duration.ofMillis(50));
        assertThat(rounds).as("the third round ended at once; the fourth went to the executor").hasSize(4);
        assertThat(nested).as("the fourth round did not start inside the third's subscription").isFalse();
        assertThat(worker.running()).isFalse();
        assertThat(scheduler.pending()).isZero();
    }

    /**
     * A stop waits for the asynchronous round in progress, and a step of that round meant for a running worker (the
     * feed's trust in L1) does not run once the stop has begun.
     */
    @Test
    void stopWaitsForTheAsynchronousRoundAndItsLastStepDoesNotRunAfterIt() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean trusted = new AtomicBoolean();
            AtomicReference<StreamWorker> self = new AtomicReference<>();
            StreamWorker worker = new StreamWorker("test", () -> {
                started.countDown();
                return Uni.createFrom().completionStage(answer)
                        .invoke(() -> self.get().ifRunning(() -> trusted.set(true)));
            }, Duration.ofSeconds(10), failures::add, executor, registry);
            self.set(worker);

            worker.start();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            Thread stopper = new Thread(worker::stop);
            stopper.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !worker.running()); // the stop has begun
            stopper.join(200);
            assertThat(stopper.isAlive()).as("the stop waits for the round in progress").isTrue();

            answer.complete(null);
            stopper.join(10_000);
            assertThat(stopper.isAlive()).isFalse();
            assertThat(trusted).as("no trust once the stop began").isFalse();
            assertThat(failures).isEmpty();
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * An asynchronous round whose answer never comes (a reply lost to a half-open connection) fails after the round
     * timeout, the reader hears of it, and the next round starts after the backoff.
     */
    @Test
    void anAsynchronousRoundThatNeverEndsFailsAfterTheRoundTimeout() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger rounds = new AtomicInteger();
            StreamWorker worker = new StreamWorker("test", () -> {
                rounds.incrementAndGet();
                return Uni.createFrom().nothing();
            }, Duration.ofMillis(100), failures::add, executor, registry);

            worker.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() >= 2);
            worker.stop();

            assertThat(failures).as("each round that hung failed").isNotEmpty();
            assertThat(failures.get(0).detail()).contains("took over");
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
