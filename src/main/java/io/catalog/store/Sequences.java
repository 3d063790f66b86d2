package io.catalog.store;

import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.catalog.config.CatalogConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Event sequences without a shared counter write per event. Each pod takes a block of
 * {@code catalog.dynamodb.sequence-block} sequences from the counters table in one atomic step
 * ({@link CounterStore#reserve}) and hands them out one by one with no round trip.
 * <p>
 * Sequences are unique (blocks never overlap), and ordered by {@link #above}: the writer asks for a sequence above
 * everything it knows (the product's current sequence, its floors, the highest sequence its pod heard of). When the
 * block's next sequence is not above that bound, a new block is taken: the counter is the high-water mark of every
 * block ever taken, so a new block is above every sequence handed out before it, the bound included. So a change
 * comes after every change its writer heard of, as with one counter per write (a Lamport clock over the blocks);
 * {@link #fresh} is for a write that must be above every sequence ever handed out.
 * docs/COHERENCE.md, "Sequences", has the argument.
 */
@ApplicationScoped
public class Sequences {

    /** {@link CounterStore#reserve}: {@code count} sequences above every one reserved before; the first. */
    private final LongFunction<Uni<Long>> reserve;
    private final int blockSize;
    private final Counter blocks;
    /** The unused part of this pod's block: {@code next..last}, empty when {@code next > last}. */
    private long next = 1;
    private long last = 0;

    @Inject
    public Sequences(CounterStore counters, CatalogConfig config, MeterRegistry registry) {
        this(counters::reserve, config.dynamodb().sequenceBlock(), registry);
    }

    /** Blocks from {@code reserve} ({@link CounterStore#reserve}, or a test's). */
    public Sequences(LongFunction<Uni<Long>> reserve, int blockSize, MeterRegistry registry) {
        this.reserve = reserve;
        this.blockSize = blockSize;
        this.blocks = Counter.builder("catalog.sequence.blocks")
                .description("Blocks of event sequences this pod took from the counters table").register(registry);
    }

    /** One sequence above {@code bound}: unique across pods, and above every sequence handed out before it. */
    public Uni<Long> above(long bound) {
        return above(bound, 1);
    }

    /**
     * {@code count} consecutive sequences, the first of them above {@code bound} (a sequence handed out before: a
     * product's, or a floor this pod heard).
     *
     * @return the first of them
     */
    public Uni<Long> above(long bound, int count) {
        synchronized (this) {
            if (next > bound && last - next + 1 >= count) {
                long first = next;
                next += count;
                return Uni.createFrom().item(first);
            }
        }
        int size = Math.max(blockSize, count);
        return reserve.apply(size).chain(first -> first > bound ? Uni.createFrom().item(first)
                // the counter is behind a sequence handed out before (its table was recreated): move it past
                : reserve.apply(bound - first + 1 + size).map(jump -> jump + bound - first + 1))
                .map(first -> taken(first, count, size));
    }

    private long taken(long first, int count, int size) {
        blocks.increment();
        synchronized (this) {
            // two writers may have taken a block at once: keep the one that starts higher
            if (first + count > next) {
                next = first + count;
                last = first + size - 1;
            }
        }
        return first;
    }

    /** One sequence above every sequence handed out so far, by any pod: straight from the counter (one call). */
    public Uni<Long> fresh() {
        return reserve.apply(1);
    }

    /** Blocks taken so far. */
    public long blocksTaken() {
        return (long) blocks.count();
    }
}
