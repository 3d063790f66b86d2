package io.catalog.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A timer's cumulative bucket counts as a pod's Prometheus endpoint reports them ({@code <name>_bucket{le="…"}}), so
 * that a measurement can take the difference between two readings: the observations of its own interval only, where
 * Micrometer's percentiles cover a sliding two minutes (a warm-up included).
 *
 * @param cumulative observations at or below each bound, in seconds ({@code +Inf} as
 *        {@link Double#POSITIVE_INFINITY}), in ascending order of bound
 */
public record Histogram(TreeMap<Double, Double> cumulative) {

    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /** The buckets of {@code timer} (e.g. {@code catalog_events_delivery_seconds}) in a Prometheus exposition. */
    public static Histogram parse(String metrics, String timer) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        metrics.lines().filter(l -> l.startsWith(timer + "_bucket{")).forEach(l -> {
            Matcher le = LE.matcher(l);
            if (le.find()) {
                double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                cumulative.merge(bound, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Double::sum);
            }
        });
        return new Histogram(cumulative);
    }

    /** The observations made since {@code earlier} (a reading of the same timer). */
    public Histogram minus(Histogram earlier) {
        TreeMap<Double, Double> since = new TreeMap<>();
        cumulative.forEach((bound, count) -> since.put(bound, count - earlier.cumulative.getOrDefault(bound, 0.0)));
        return new Histogram(since);
    }

    /** Adds another pod's reading of the same timer. */
    public Histogram plus(Histogram other) {
        TreeMap<Double, Double> sum = new TreeMap<>(cumulative);
        other.cumulative.forEach((bound, count) -> sum.merge(bound, count, Double::sum));
        return new Histogram(sum);
    }

    public long count() {
        return cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
    }

    /** The share of the observations at or below {@code seconds}, which must be one of the bounds. */
    public double shareWithin(double seconds) {
        Double within = cumulative.get(seconds);
        if (within == null) {
            throw new IllegalArgumentException("no bucket bound at " + seconds + " s: " + cumulative.keySet());
        }
        return count() == 0 ? Double.NaN : within / count();
    }

    /**
     * The {@code q} quantile in seconds, interpolated linearly within its bucket as Prometheus'
     * {@code histogram_quantile} does (from 0 in the first bucket); the last finite bound when it falls above it.
     */
    public double quantile(double q) {
        double rank = q * count();
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lower;
                }
                double inBucket = bucket.getValue() - below;
                return inBucket == 0 ? bucket.getKey()
                        : lower + (bucket.getKey() - lower) * (rank - below) / inBucket;
            }
            lower = bucket.getKey();
            below = bucket.getValue();
        }
        return lower;
    }
}
