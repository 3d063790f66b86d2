package io.catalog.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Prices as exact decimals with two fraction digits. Never a binary float: JSON numbers are read as
 * {@link BigDecimal}, stored as DynamoDB numbers (decimal strings) and written back the same way.
 */
public final class Money {

    public static final int SCALE = 2;
    public static final BigDecimal MAX_PRICE = new BigDecimal("1000000");

    private Money() {
    }

    /** Why {@code price} is not an acceptable price, or {@code null} when it is. */
    public static String problem(BigDecimal price) {
        if (price == null) {
            return "price is required";
        }
        if (price.signum() <= 0) {
            return "price must be greater than 0";
        }
        if (price.compareTo(MAX_PRICE) > 0) {
            return "price must be at most 1000000";
        }
        if (price.stripTrailingZeros().scale() > SCALE) {
            return "price must have at most 2 fraction digits";
        }
        return null;
    }

    /** {@code price} with exactly two fraction digits; it must already be valid. */
    public static BigDecimal normalize(BigDecimal price) {
        return price.setScale(SCALE, RoundingMode.UNNECESSARY);
    }

    /** The mean of {@code total} over {@code count} values, rounded half-even to two digits. */
    public static BigDecimal average(BigDecimal total, long count) {
        return total.divide(BigDecimal.valueOf(count), SCALE, RoundingMode.HALF_EVEN);
    }
}
