package io.catalog.rest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many live streams ({@code GET /events/products}) are open, per client address and in all: a browser tab
 * holds one, so a client with more than {@code perClient} open, or a pod with {@code total}, is refused (429) until
 * some close. One counter per address with an open stream, removed when its last stream closes: the map is bounded
 * by {@code total}.
 */
final class StreamLimits {

    private final int perClient;
    private final int total;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final AtomicInteger all = new AtomicInteger();

    StreamLimits(int perClient, int total) {
        this.perClient = perClient;
        this.total = total;
    }

    /** Takes a slot for {@code client}; false when it or the pod is at its limit. */
    boolean acquire(String client) {
        if (all.incrementAndGet() > total) {
            all.decrementAndGet();
            return false;
        }
        boolean[] granted = { false };
        open.compute(client, (k, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < perClient) {
                c.incrementAndGet();
                granted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        if (!granted[0]) {
            all.decrementAndGet();
        }
        return granted[0];
    }

    /** Gives back a slot taken by {@link #acquire}. */
    void release(String client) {
        open.computeIfPresent(client, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
        all.decrementAndGet();
    }

    int open(String client) {
        AtomicInteger count = open.get(client);
        return count == null ? 0 : count.get();
    }

    int clients() {
        return open.size();
    }
}
