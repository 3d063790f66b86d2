package io.catalog.testing;

/** Short sleeps for polling loops that wait for a server to come up. */
final class Waits {

    private static final long POLL_MS = 50;

    private Waits() {
    }

    /** Sleeps one polling interval, keeping the interrupt flag if interrupted. */
    static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server", e);
        }
    }
}
