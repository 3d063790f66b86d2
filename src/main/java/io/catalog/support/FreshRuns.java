package io.catalog.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A blocking task run for callers who need a result computed after they asked, not one already under way (which may
 * have looked at the world before what they must see). One run at a time; a caller who asks while one runs gets the
 * next run, shared with every other caller who asks before it starts. So there are never more than two runs, one
 * running and one waiting, however many callers ask.
 */
public final class FreshRuns<T> {

    private final Supplier<T> task;
    private final Executor executor;
    private CompletableFuture<T> running;
    private CompletableFuture<T> next;

    public FreshRuns(Supplier<T> task, Executor executor) {
        this.task = task;
        this.executor = executor;
    }

    /**
     * The result of a run that begins after this call; fails as the run fails. A stage of the caller's own: cancelling
     * it (as a Mutiny subscriber that stops waiting does) leaves the run to the other callers who share it.
     */
    public CompletionStage<T> ask() {
        CompletableFuture<T> start = null;
        CompletableFuture<T> answer;
        synchronized (this) {
            if (running == null) {
                running = new CompletableFuture<>();
                start = running;
                answer = running;
            } else {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                answer = next;
            }
        }
        if (start != null) {
            run(start);
        }
        return answer.minimalCompletionStage();
    }

    private void run(CompletableFuture<T> result) {
        executor.execute(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
            CompletableFuture<T> following;
            synchronized (this) {
                running = next;
                next = null;
                following = running;
            }
            if (following != null) {
                run(following);
            }
        });
    }
}
