package io.catalog.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A category's summary as Redis maintains it: exact integers in minor units (cents), so that every pod formats
 * the same body (and ETag) from it. It travels in the stream entries of the events that changed it.
 *
 * @param version the sequence of the newest event it includes, or a sequence reserved to relabel it when an event
 *        arrived late ({@code X-Cache-Version}); strictly increasing with its content
 * @param count products in the category
 * @param sum the sum of their prices, in minor units
 * @param min the lowest price in minor units (0 when the category is empty)
 * @param max the highest price in minor units (0 when the category is empty)
 */
@RegisterForReflection
public record SummaryState(String category, long version, long count, long sum, long min, long max) {

    /** A valid price (at most two fraction digits) in minor units. */
    public static long minor(BigDecimal price) {
        return price.movePointRight(Money.SCALE).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    private static BigDecimal major(long minor) {
        return BigDecimal.valueOf(minor, Money.SCALE);
    }

    public boolean empty() {
        return count == 0;
    }

    /** The public summary (API.md section 3); the category must not be empty. */
    public CategorySummary toSummary(String currency) {
        BigDecimal average = Money.average(major(sum), count);
        return new CategorySummary(category, count, major(min), major(max), average, currency);
    }
}
