package io.catalog.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.awaitility.core.ConditionTimeoutException;

/** Waits, with Awaitility and a deadline, for a server this package started to come up (or to die trying). */
final class Waits {

    private static final Duration POLL = Duration.ofMillis(50);

    private Waits() {
    }

    /**
     * Polls {@code ready} until it holds, the process is no longer {@code alive}, or {@code timeout} passes.
     *
     * @return whether {@code ready} held; false when the process died or the time ran out
     */
    static boolean untilReady(Duration timeout, BooleanSupplier alive, BooleanSupplier ready) {
        AtomicBoolean isReady = new AtomicBoolean();
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> {
                        isReady.set(ready.getAsBoolean());
                        return isReady.get() || !alive.getAsBoolean();
                    });
        } catch (ConditionTimeoutException e) {
            return false;
        }
        return isReady.get();
    }
}
