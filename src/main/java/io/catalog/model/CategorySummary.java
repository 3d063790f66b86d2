package io.catalog.model;

import java.math.BigDecimal;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The computed aggregate of a category (API.md section 3). */
@RegisterForReflection
public record CategorySummary(String category, long productCount, BigDecimal minPrice, BigDecimal maxPrice,
        BigDecimal avgPrice, String currency) {

    /** The summary of a category's products; there must be at least one. */
    public static CategorySummary of(String category, List<BigDecimal> prices, String currency) {
        BigDecimal min = prices.get(0);
        BigDecimal max = prices.get(0);
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal price : prices) {
            min = min.min(price);
            max = max.max(price);
            total = total.add(price);
        }
        return new CategorySummary(category, prices.size(), min, max, Money.average(total, prices.size()), currency);
    }
}
