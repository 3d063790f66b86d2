package io.catalog.edge;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;

/** An edge target that records every batch it is asked to purge and can be told to fail the next calls. */
final class RecordingTarget implements EdgeTarget {

    final List<Set<String>> batches = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    private final String name;
    private final boolean early;

    RecordingTarget(String name) {
        this(name, true);
    }

    RecordingTarget(String name, boolean early) {
        this.name = name;
        this.early = early;
    }

    @Override
    public boolean purgeEarly() {
        return early;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Uni<Void> purge(Set<String> keys) {
        return Uni.createFrom().deferred(() -> {
            calls.incrementAndGet();
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Uni.createFrom().failure(new IllegalStateException(name + " is down"));
            }
            batches.add(Set.copyOf(keys));
            return Uni.createFrom().voidItem();
        });
    }

    /** How many batches contained {@code key}. */
    long purgesOf(String key) {
        return batches.stream().filter(b -> b.contains(key)).count();
    }
}
