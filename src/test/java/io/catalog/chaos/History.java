package io.catalog.chaos;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every operation of a fault run as its client saw it: when it was sent and when its answer came back (one monotonic
 * clock, this JVM's {@link System#nanoTime()}), what was asked and what came back. The {@link HistoryChecker} reads it
 * afterwards, the way Jepsen's checkers read a database's history.
 */
final class History {

    /** How a write ended, seen from its client. */
    enum Outcome {
        /** 2xx: acknowledged. */
        ACKED,
        /** 404, 409, 412: refused, changed nothing. */
        REFUSED,
        /** 503, a timeout, a connection lost: it may or may not have happened. */
        UNKNOWN
    }

    /**
     * A write of one product (a batch is recorded as one write per item).
     *
     * @param kind PATCH, PUT (create or replace, maybe a move), DELETE, BATCH
     * @param version the product's version after it, when the answer said (-1 otherwise)
     */
    record Write(long op, String kind, String id, String pod, long sent, long received, Outcome outcome, long version,
            BigDecimal price, String category, boolean delete) {
    }

    /** A product as a read showed it (alone, or as an item of a page). */
    record Item(String id, long version, BigDecimal price, String category) {
    }

    /** A read of a product: 200 with the item, or 404 ({@code item} null), or another status. */
    record ProductRead(long op, String id, String pod, long sent, long received, int status, Item item, String tier) {
    }

    /**
     * A read of a category's page (limit 100: the whole category), with its {@code X-Cache-Version} (-1 without one)
     * and {@code ETag}.
     */
    record PageRead(long op, String category, String pod, long sent, long received, int status, List<Item> items,
            long cacheVersion, String etag) {
    }

    /** A read of a category's summary (status 404: no product), with its {@code X-Cache-Version} and {@code ETag}. */
    record SummaryRead(long op, String category, String pod, long sent, long received, int status, long count,
            BigDecimal min, BigDecimal max, BigDecimal avg, long cacheVersion, String etag) {
    }

    /** A checkout quote of one product: its unit price, or status 404. */
    record QuoteRead(long op, String id, String pod, long sent, long received, int status, BigDecimal price) {
    }

    /** A fault the run injected. */
    record Fault(String kind, String detail, long at) {
    }

    final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<ProductRead> reads = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<PageRead> pages = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<SummaryRead> summaries = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<QuoteRead> quotes = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    /** What the subscriber's reload found of a product it had never been shown: 404, not there yet. */
    static final long NOT_FOUND = Long.MIN_VALUE;
    /** The newest version of each product the live-changes subscriber saw (-1: its deletion; {@link #NOT_FOUND}). */
    final Map<String, Long> subscriberSaw = new ConcurrentHashMap<>();
    /** Items whose outbox still held events when the run had been quiet for 90 s (each is a violation). */
    final AtomicLong unpublishedAtEnd = new AtomicLong();
    /** Each product's state at the end, read strongly consistent once the run was quiet. */
    final Map<String, Item> finalState = new ConcurrentHashMap<>();
    /** What the subscriber did and heard, in order (connections, resets, each product event), for the report. */
    final ConcurrentLinkedQueue<String> subscriberLog = new ConcurrentLinkedQueue<>();
    final AtomicLong subscriberEvents = new AtomicLong();
    final AtomicLong subscriberResets = new AtomicLong();
    private final AtomicLong ops = new AtomicLong();

    long nextOp() {
        return ops.incrementAndGet();
    }

    long operations() {
        return writes.size() + reads.size() + pages.size() + summaries.size() + quotes.size();
    }
}
