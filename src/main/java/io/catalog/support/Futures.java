package io.catalog.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Futures of the AWS SDK as Unis that complete where the caller was. The SDK's asynchronous clients complete their
 * futures on their own threads (the CRT's native threads have no class loader, and threads they spawn inherit that),
 * so a continuation must not run there. A call made on a Vert.x event loop resumes on that same context (no hop to
 * another pool, and the request's context, trace and MDC stay with it); a call made anywhere else (start-up, a
 * worker, a scheduler) resumes on a Quarkus worker thread with the application's class loader.
 */
public final class Futures {

    private static final ClassLoader APPLICATION = Futures.class.getClassLoader();
    private static final Executor APPLICATION_EXECUTOR = task -> Infrastructure.getDefaultExecutor().execute(() -> {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(APPLICATION);
        try {
            task.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    });

    /**
     * Items of CPU work (events applied, documents rendered) done on an event loop at once; more go to a worker
     * thread ({@link #onWorker}): rendering a thousand documents took an event loop away from the reads for most of a
     * second.
     */
    public static final int EVENT_LOOP_ITEMS = 8;

    private Futures() {
    }

    /** {@code call}, made at subscription, as a Uni that emits on the caller's event loop or a worker. */
    public static <T> Uni<T> uni(Supplier<CompletableFuture<T>> call) {
        return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(call).emitOn(resumeExecutor()));
    }

    /**
     * A pause of {@code delay}, made at subscription, that resumes where {@link #uni} would (a backoff). A pause
     * under a millisecond (full jitter draws zero now and then) is none: Vert.x timers refuse delays under 1 ms.
     */
    public static Uni<Void> delay(Duration delay) {
        if (delay.compareTo(MIN_TIMER) < 0) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .emitOn(resumeExecutor()));
    }

    private static final Duration MIN_TIMER = Duration.ofMillis(1);

    /**
     * {@code work}, run at subscription on a worker thread (CPU work too long for an event loop), as a Uni that
     * resumes where {@link #uni} would: a caller on an event loop continues on its own context.
     */
    public static Uni<Void> onWorker(Runnable work) {
        return Uni.createFrom().deferred(() -> {
            Executor resume = resumeExecutor();
            return Uni.createFrom().voidItem().invoke(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .emitOn(resume);
        });
    }

    /**
     * {@code memoized} (a {@code memoize()}d Uni) started now: it runs to its end whoever waits for it, and its
     * outcome, kept by the memoization, is what its callers get; nothing is done with it here.
     */
    public static <T> Uni<T> started(Uni<T> memoized) {
        memoized.subscribe().with(value -> {
        }, failure -> {
        });
        return memoized;
    }

    /**
     * A future that several callers share, as a Uni of one caller's: cancelling it (a caller who stops waiting) leaves
     * the future to the others, and a {@link CompletionException} is unwrapped to its cause.
     */
    public static <T> Uni<T> joined(CompletableFuture<T> shared) {
        return Uni.createFrom().emitter(emitter -> shared.whenComplete((value, failure) -> {
            if (failure != null) {
                emitter.fail(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure);
            } else {
                emitter.complete(value);
            }
        }));
    }

    /**
     * Where a caller on an event loop continues a shared result that another caller's run completes: on its own
     * context (its request's, its event loop's share of the work); a caller elsewhere continues where the result
     * completes, as before.
     */
    public static Executor callerContext() {
        Executor loop = eventLoopHere();
        return loop != null ? loop : Runnable::run;
    }

    /** Where a continuation of a call made now resumes. */
    static Executor resumeExecutor() {
        Executor loop = eventLoopHere();
        return loop != null ? loop : APPLICATION_EXECUTOR;
    }

    /** The context of the event loop this thread runs, or {@code null} when it runs none. */
    private static Executor eventLoopHere() {
        Context context = Vertx.currentContext();
        if (context != null && context.isEventLoopContext() && Context.isOnEventLoopThread()) {
            return task -> context.runOnContext(ignored -> task.run());
        }
        return null;
    }
}
