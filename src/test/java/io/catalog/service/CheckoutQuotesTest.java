package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.catalog.model.Quote;
import io.catalog.service.CheckoutQuotes.Line;
import io.catalog.store.StoreFixture;
import io.catalog.store.StoredProduct;

/**
 * {@link CheckoutQuotes} on a real dynalite of its own, directly: exact decimal totals, a changed price is a
 * conflict with every current price, and unknown or deleted products are named.
 */
class CheckoutQuotesTest {

    private static StoreFixture fixture;
    private static CheckoutQuotes quotes;

    @BeforeAll
    static void start() {
        fixture = new StoreFixture();
        quotes = new CheckoutQuotes(fixture.products(), fixture.config);
        store("lamp", "39.90", false);
        store("pen", "0.10", false);
        store("gone", "5.00", true);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static void store(String id, String price, boolean deleted) {
        Product product = new Product(id, "Item " + id, "office", new BigDecimal(price), "USD", 1,
                Instant.parse("2026-01-01T00:00:00Z"), 1);
        assertThat(fixture.products().write(new StoredProduct(product, deleted, List.of()), Optional.empty())
                .await().atMost(Duration.ofSeconds(10))).isTrue();
    }

    private static Quote quote(Line... lines) {
        return quotes.quote(List.of(lines)).await().atMost(Duration.ofSeconds(10));
    }

    private static BigDecimal exact(String value) {
        return new BigDecimal(value);
    }

    @Test
    void aQuoteAtTheExpectedPricesIsPricedExactly() {
        Quote quote = quote(new Line("lamp", 3, exact("39.90")), new Line("pen", 7, null));

        assertThat(quote).isInstanceOf(Quote.Priced.class);
        Quote.Priced priced = (Quote.Priced) quote;
        assertThat(priced.items()).containsExactly(
                new Quote.QuotedLine("lamp", 3, exact("39.90"), exact("119.70")),
                new Quote.QuotedLine("pen", 7, exact("0.10"), exact("0.70")));
        assertThat(priced.total()).isEqualTo(exact("120.40")); // scale 2, not a float near it
        assertThat(priced.currency()).isEqualTo("USD");
    }

    @Test
    void anExpectedPriceThatChangedIsAConflictWithEveryCurrentPrice() {
        Quote quote = quote(new Line("lamp", 1, exact("35.00")), new Line("pen", 1, exact("0.1")));

        assertThat(quote).isEqualTo(new Quote.PriceChanged(Map.of("lamp", exact("39.90"), "pen", exact("0.10"))));
    }

    @Test
    void anEqualPriceWithAnotherScaleIsNoConflict() {
        assertThat(quote(new Line("lamp", 1, exact("39.9")))).isInstanceOf(Quote.Priced.class);
    }

    @Test
    void unknownAndDeletedProductsAreNamedBeforeAnyPriceIsChecked() {
        Quote quote = quote(new Line("lamp", 1, exact("1.00")), new Line("nope", 1, null), new Line("gone", 2, null),
                new Line("nope", 1, null));

        assertThat(quote).isEqualTo(new Quote.Unknown(List.of("nope", "gone")));
    }
}
