package io.catalog.lab;

import java.math.BigDecimal;

/** What the lab records while it drives the pods; times are {@link System#nanoTime()}. */
final class LabRecords {

    private LabRecords() {
    }

    /** Endpoints, for latency and staleness. */
    enum Endpoint {
        PRODUCT("GET /products/{id}"),
        LIST("GET /products?category"),
        SUMMARY("GET /categories/{c}/summary"),
        SHOPPER_READ("GET /products/{id} (shopper)"),
        QUOTE("POST /checkout/quote"),
        PATCH("PATCH /admin/products/{id}/price"),
        BATCH("POST /admin/prices/batch");

        final String label;

        Endpoint(String label) {
            this.label = label;
        }
    }

    /**
     * A write of one product: acknowledged, or of unknown outcome ({@link #unknown}: answered 503 "Change not
     * confirmed", stored though not confirmed, or not answered), which counts as a price the product may have from
     * its sending on and never as acknowledged.
     *
     * @param sequence the event sequence ({@code X-Cache-Version} of a PATCH; for a batch item looked up in the event
     *        stream after the run; -1 while unknown)
     */
    static final class Write {
        final String id;
        final String category;
        final long version;
        volatile long sequence;
        final BigDecimal price;
        final long startNs;
        final long ackNs;

        /** A write whose outcome the lab does not know: never acknowledged, its price possible from {@code startNs}. */
        static Write unknown(String id, String category, BigDecimal price, long startNs) {
            return new Write(id, category, Long.MAX_VALUE, 0, price, startNs, Long.MAX_VALUE);
        }

        Write(String id, String category, long version, long sequence, BigDecimal price, long startNs, long ackNs) {
            this.id = id;
            this.category = category;
            this.version = version;
            this.sequence = sequence;
            this.price = price;
            this.startNs = startNs;
            this.ackNs = ackNs;
        }
    }

    /**
     * One read.
     *
     * @param key the product id, or the category of a list or summary
     * @param version the product's version in the body (-1 for aggregates)
     * @param sequence {@code X-Cache-Version}
     * @param tier {@code X-Cache}: L1, L2, MISS (on an edge HIT: the tier that answered when Varnish filled it)
     * @param edge {@code X-Varnish-Cache} (HIT, MISS, PASS) of a read sent through the lab's Varnish; null otherwise
     * @param items of a list read: each item's id and {@code version}, in page order; null otherwise
     */
    record Read(Endpoint endpoint, String key, long version, long sequence, String tier, BigDecimal price,
            long startNs, long endNs, int status, String edge, java.util.Map<String, Long> items) {

        Read(Endpoint endpoint, String key, long version, long sequence, String tier, BigDecimal price, long startNs,
                long endNs, int status, String edge) {
            this(endpoint, key, version, sequence, tier, price, startNs, endNs, status, edge, null);
        }

        Read(Endpoint endpoint, String key, long version, long sequence, String tier, BigDecimal price, long startNs,
                long endNs, int status) {
            this(endpoint, key, version, sequence, tier, price, startNs, endNs, status, null);
        }
    }

    /** A shopper's checkout: the product read, then the quote with the shown price as expectedPrice. */
    record Checkout(String id, long shownVersion, BigDecimal shownPrice, long readStartNs, long quoteStartNs,
            long quoteEndNs, int status, BigDecimal quotedPrice) {
    }

    /** A product as loaded. */
    record Item(String id, String category, BigDecimal price, long version, long sequence) {
    }
}
