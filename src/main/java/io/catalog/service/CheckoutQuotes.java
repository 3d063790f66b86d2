package io.catalog.service;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.catalog.model.Money;
import io.catalog.model.Quote;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.smallrye.mutiny.Uni;

/**
 * Checkout quotes, priced from strongly consistent reads of DynamoDB itself: never a cache, never DAX. A price
 * that differs from what the shopper was shown is a conflict, not a silent re-price.
 */
@ApplicationScoped
public class CheckoutQuotes {

    private final ProductStore store;
    private final String currency;

    public CheckoutQuotes(ProductStore store, CatalogConfig config) {
        this.store = store;
        this.currency = config.currency();
    }

    /** One requested line; {@code expectedPrice} may be {@code null} when the caller has no expectation. */
    public record Line(String id, int quantity, BigDecimal expectedPrice) {
    }

    public Uni<Quote> quote(List<Line> lines) {
        return store.readConsistent(lines.stream().map(Line::id).toList()).map(found -> price(lines, found));
    }

    Quote price(List<Line> lines, Map<String, StoredProduct> found) {
        List<String> unknown = lines.stream().map(Line::id)
                .filter(id -> found.get(id) == null || !found.get(id).live()).distinct().toList();
        if (!unknown.isEmpty()) {
            return new Quote.Unknown(unknown);
        }
        Map<String, BigDecimal> current = new LinkedHashMap<>();
        lines.forEach(l -> current.put(l.id(), found.get(l.id()).product().price()));
        boolean changed = lines.stream().anyMatch(l -> l.expectedPrice() != null
                && l.expectedPrice().compareTo(current.get(l.id())) != 0);
        if (changed) {
            return new Quote.PriceChanged(current);
        }
        List<Quote.QuotedLine> quoted = lines.stream().map(l -> {
            BigDecimal unit = current.get(l.id());
            return new Quote.QuotedLine(l.id(), l.quantity(), unit,
                    Money.normalize(unit.multiply(BigDecimal.valueOf(l.quantity()))));
        }).toList();
        BigDecimal total = quoted.stream().map(Quote.QuotedLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Quote.Priced(quoted, Money.normalize(total), currency);
    }
}
