package io.catalog.lab;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.catalog.lab.LabRecords.Checkout;
import io.catalog.lab.LabRecords.Endpoint;
import io.catalog.lab.LabRecords.Item;
import io.catalog.lab.LabRecords.Read;
import io.catalog.lab.LabRecords.Write;

/**
 * The figures of one strategy, computed after its run from the recorded history.
 *
 * <p>
 * A read is <em>stale at window W</em> when it returned a version (product: the body's {@code version}; summary:
 * {@code X-Cache-Version}, the category's generation) older than a write of that resource acknowledged at least W
 * before the read started. A list page is stale at W when any item in it is (its body's {@code version} older than
 * a write of that product acknowledged at least W before the read started), like product reads: a page's version is
 * per item now that pages are assembled from product entries. A checkout is <em>stale-shown</em> when the price its shopper was
 * shown had been
 * superseded by a write acknowledged before the quote was requested (the quote must then answer 409), and
 * <em>mis-priced</em> when the quote's price (200: {@code unitPrice}, 409: {@code currentPrices}) is not a price the
 * product had at some instant of the quote request: the last acknowledged one, or one being written concurrently.
 */
final class LabAnalysis {

    static final long[] WINDOWS_NS = { 0, 10_000_000L, 100_000_000L };

    private LabAnalysis() {
    }

    /** Latency of one endpoint: requests, p50 and p99 in ms. */
    record Latency(int count, double p50, double p99) {
    }

    record StrategyFigures(int number, String label, double seconds, double startupSeconds, int productReads,
            double[] productStale, double productStaleMaxAgeMs, int aggregateReads, double[] aggregateStale,
            int checkouts, int staleShown, int staleShown409, int conflicts, int misPriced, int getReads,
            double l1, double l2, double miss, double loadsPerSecond, double consistentReloadsPerSecond,
            double propagationP50, double propagationP99, long propagationEvents, int writes,
            Map<Endpoint, Latency> latency, int errors, double readsPerSecond, int edgeReads, int edgeHits,
            int edgeHitsStale, List<String> firstErrors) {

        /** Stale product reads at W=0, in percent. */
        double staleProductPercentW0() {
            return productStale[0] * 100;
        }
    }

    static StrategyFigures analyse(StalenessLab.Run run, List<Write> allWrites, Map<String, Item> catalog) {
        List<Write> writes;
        synchronized (allWrites) {
            writes = new ArrayList<>(allWrites);
        }
        Map<String, List<long[]>> byProduct = new HashMap<>();
        Map<String, List<long[]>> byCategory = new HashMap<>();
        Map<String, List<Write>> writesOf = new HashMap<>();
        for (Write w : writes) {
            byProduct.computeIfAbsent(w.id, k -> new ArrayList<>()).add(new long[] { w.ackNs, w.version });
            if (w.sequence >= 0) {
                byCategory.computeIfAbsent(w.category, k -> new ArrayList<>()).add(new long[] { w.ackNs, w.sequence });
            }
            writesOf.computeIfAbsent(w.id, k -> new ArrayList<>()).add(w);
        }
        Comparator<long[]> byAck = Comparator.comparingLong(a -> a[0]);
        byProduct.values().forEach(l -> l.sort(byAck));
        byCategory.values().forEach(l -> l.sort(byAck));
        writesOf.values().forEach(l -> l.sort(Comparator.comparingLong(w -> w.ackNs)));

        int productReads = 0;
        int aggregateReads = 0;
        long[] productStale = new long[WINDOWS_NS.length];
        long[] aggregateStale = new long[WINDOWS_NS.length];
        long maxAgeNs = 0;
        int gets = 0;
        int l1 = 0;
        int l2 = 0;
        int miss = 0;
        int edgeReads = 0;
        int edgeHits = 0;
        int edgeHitsStale = 0;
        Map<Endpoint, List<Long>> durations = new EnumMap<>(Endpoint.class);
        for (Read r : run.reads()) {
            durations.computeIfAbsent(r.endpoint(), k -> new ArrayList<>()).add(r.endNs() - r.startNs());
            if (r.status() != 200) {
                continue;
            }
            boolean product = r.endpoint() == Endpoint.PRODUCT || r.endpoint() == Endpoint.SHOPPER_READ;
            boolean aggregate = r.endpoint() == Endpoint.LIST || r.endpoint() == Endpoint.SUMMARY;
            if (!product && !aggregate) {
                continue;
            }
            boolean edgeHit = "HIT".equals(r.edge());
            if (r.edge() != null) {
                edgeReads++;
                if (edgeHit) {
                    edgeHits++;
                }
            }
            if (!edgeHit) { // the pods' tiers: GETs a pod answered (an edge HIT never reached one)
                gets++;
                switch (r.tier()) {
                    case "L1" -> l1++;
                    case "L2" -> l2++;
                    default -> miss++;
                }
            }
            List<long[]> history = product ? byProduct.get(r.key()) : byCategory.get(r.key());
            long seen = product ? r.version() : r.sequence();
            if (product) {
                productReads++;
            } else {
                aggregateReads++;
            }
            if (history == null && r.items() == null) {
                continue;
            }
            for (int w = 0; w < WINDOWS_NS.length; w++) {
                long before = r.startNs() - WINDOWS_NS[w];
                boolean stale = r.items() != null ? anyItemSuperseded(r.items(), byProduct, before)
                        : supersededBefore(history, seen, before) >= 0;
                if (stale) {
                    (product ? productStale : aggregateStale)[w]++;
                    if (w == 0 && edgeHit) {
                        edgeHitsStale++;
                    }
                }
            }
            if (product) {
                long firstAck = supersededBefore(history, seen, r.startNs());
                if (firstAck >= 0) {
                    maxAgeNs = Math.max(maxAgeNs, r.startNs() - firstAck);
                }
            }
        }

        int staleShown = 0;
        int staleShown409 = 0;
        int conflicts = 0;
        int misPriced = 0;
        for (Checkout c : run.checkouts()) {
            if (c.status() != 200 && c.status() != 409) {
                continue;
            }
            List<Write> history = writesOf.getOrDefault(c.id(), List.of());
            Item initial = catalog.get(c.id());
            long ackedVersion = initial.version();
            BigDecimal ackedPrice = initial.price();
            Set<BigDecimal> allowed = new HashSet<>();
            for (Write w : history) {
                if (w.ackNs <= c.quoteStartNs() && w.version > ackedVersion) {
                    ackedVersion = w.version;
                    ackedPrice = w.price;
                } else if (w.ackNs > c.quoteStartNs() && w.startNs < c.quoteEndNs()) {
                    allowed.add(w.price.stripTrailingZeros());
                }
            }
            allowed.add(ackedPrice.stripTrailingZeros());
            boolean superseded = c.shownVersion() < ackedVersion;
            if (superseded) {
                staleShown++;
                if (c.status() == 409) {
                    staleShown409++;
                }
            }
            if (c.status() == 409) {
                conflicts++;
            }
            if (c.quotedPrice() == null || !allowed.contains(c.quotedPrice().stripTrailingZeros())) {
                misPriced++;
            }
        }

        double seconds = (run.endNs() - run.startNs()) / 1e9;
        Map<Endpoint, Latency> latency = new EnumMap<>(Endpoint.class);
        durations.forEach((endpoint, list) -> {
            long[] sorted = list.stream().mapToLong(Long::longValue).sorted().toArray();
            latency.put(endpoint, new Latency(sorted.length, percentile(sorted, 0.5) / 1e6,
                    percentile(sorted, 0.99) / 1e6));
        });
        double loads = delta(run, "catalog_store_loads_total");
        double reloads = delta(run, "catalog_store_consistent_reloads_total");
        double[] p50s = run.propagation().stream().filter(p -> p[2] > 0).mapToDouble(p -> p[0]).sorted().toArray();
        double p99 = run.propagation().stream().filter(p -> p[2] > 0).mapToDouble(p -> p[1]).max().orElse(Double.NaN);
        long events = (long) run.propagation().stream().mapToDouble(p -> p[2]).sum();
        boolean measuresPropagation = run.strategy().invalidates() && p50s.length > 0;
        int writesInRun = (int) writes.stream().filter(w -> w.ackNs >= run.startNs() && w.ackNs <= run.endNs())
                .count();
        int allReads = (int) run.reads().stream().filter(r -> r.endpoint() != Endpoint.PATCH
                && r.endpoint() != Endpoint.BATCH).count();
        return new StrategyFigures(run.strategy().number(), run.strategy().label(), seconds,
                run.startup().toMillis() / 1000.0, productReads, fractions(productStale, productReads),
                maxAgeNs / 1e6, aggregateReads, fractions(aggregateStale, aggregateReads), run.checkouts().size(),
                staleShown, staleShown409, conflicts, misPriced, gets, ratio(l1, gets), ratio(l2, gets),
                ratio(miss, gets), loads / seconds, reloads / seconds,
                measuresPropagation ? p50s[p50s.length / 2] : Double.NaN, measuresPropagation ? p99 : Double.NaN,
                events, writesInRun, latency, run.errors(), allReads / seconds, edgeReads, edgeHits, edgeHitsStale,
                run.firstErrors());
    }

    /**
     * The acknowledgement time of the earliest write in {@code history} (sorted by ack) acknowledged at or before
     * {@code before} with a version above {@code seen}; -1 when there is none.
     */
    /** Whether any item of a list read is older than a write of that product acknowledged by {@code before}. */
    static boolean anyItemSuperseded(Map<String, Long> items, Map<String, List<long[]>> byProduct, long before) {
        for (Map.Entry<String, Long> item : items.entrySet()) {
            List<long[]> history = byProduct.get(item.getKey());
            if (history != null && supersededBefore(history, item.getValue(), before) >= 0) {
                return true;
            }
        }
        return false;
    }

    static long supersededBefore(List<long[]> history, long seen, long before) {
        for (long[] w : history) {
            if (w[0] > before) {
                return -1;
            }
            if (w[1] > seen) {
                return w[0];
            }
        }
        return -1;
    }

    private static double delta(StalenessLab.Run run, String key) {
        return run.metricsAfter().getOrDefault(key, 0.0) - run.metricsBefore().getOrDefault(key, 0.0);
    }

    private static double[] fractions(long[] counts, int total) {
        return Arrays.stream(counts).mapToDouble(c -> ratio(c, total)).toArray();
    }

    private static double ratio(long part, long total) {
        return total == 0 ? 0 : (double) part / total;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1 < 0 ? 0
                : (int) Math.ceil(q * sorted.length) - 1)];
    }
}
