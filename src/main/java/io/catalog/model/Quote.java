package io.catalog.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The outcome of a checkout quote. */
public sealed interface Quote {

    /** Every line priced. */
    @RegisterForReflection
    record Priced(List<QuotedLine> items, BigDecimal total, String currency) implements Quote {
    }

    /** One priced line. */
    @RegisterForReflection
    record QuotedLine(String id, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {
    }

    /** Some expected price is not the current one. */
    record PriceChanged(Map<String, BigDecimal> currentPrices) implements Quote {
    }

    /** Some ids name no product. */
    record Unknown(List<String> ids) implements Quote {
    }
}
