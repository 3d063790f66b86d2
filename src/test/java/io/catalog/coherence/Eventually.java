package io.catalog.coherence;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a bound passes; the bound is the property under test, not a sleep. */
final class Eventually {

    private Eventually() {
    }

    /** Polls until {@code condition} holds; fails after {@code bound} with {@code what}. Returns the wait. */
    static Duration within(Duration bound, Supplier<String> what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + bound + ": " + what.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
