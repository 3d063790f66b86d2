package io.catalog.ui;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the pages show, read from the JSON representations and shaped for the templates. */
final class Views {

    private Views() {
    }

    /** A product as its JSON representation has it (API.md section 2). */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ProductJson(String id, String name, String category, BigDecimal price, String currency, long version) {
    }

    /** A page of a listing as its JSON representation has it. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PageJson(List<ProductJson> items, String nextCursor) {
    }

    /** A product with its price as shown (two fraction digits). */
    record ProductView(String id, String name, String category, String price, String currency, long version) {

        static ProductView of(ProductJson product) {
            return new ProductView(product.id(), product.name(), product.category(), Views.price(product.price()),
                    product.currency(), product.version());
        }
    }

    /** A category and how many of the listed products it has. */
    record CategoryView(String name, int listed) {

        /** "1 product", "3 products". */
        public String count() {
            return listed + (listed == 1 ? " product" : " products");
        }
    }

    record Listing(List<ProductView> items, String nextCursor) {

        static Listing of(PageJson page) {
            return new Listing(page.items().stream().map(ProductView::of).toList(), page.nextCursor());
        }
    }

    static List<CategoryView> categories(PageJson page) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        page.items().forEach(p -> counts.merge(p.category(), 1, Integer::sum));
        List<CategoryView> categories = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> categories.add(new CategoryView(e.getKey(), e.getValue())));
        return categories;
    }

    static String price(BigDecimal price) {
        return price.setScale(Math.max(2, price.scale()), RoundingMode.UNNECESSARY).toPlainString();
    }
}
