package io.catalog.edge;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.catalog.model.SurrogateKeys;

/**
 * The fallback of invalidation by cache tag ({@code catalog.edge.cloudfront.invalidate-by=paths}, for a distribution
 * without a cache-tag header): maps surrogate keys to the CloudFront invalidation paths of the representations that
 * carry them, never with a
 * wildcard (a wildcard path is billed like one path but CloudFront allows only 15 in progress, and it would drop far
 * more than what changed).
 *
 * <ul>
 * <li>{@code product-{id}} → {@code /products/{id}}</li>
 * <li>{@code category-{c}} → {@code /categories/{c}/summary} and {@code /products?category={c}}, the first page of
 * the category's listing in the form clients request it without parameters</li>
 * <li>{@code products} → {@code /products}, the first page of the unfiltered listing</li>
 * </ul>
 *
 * <p>
 * Listing pages requested with {@code limit} or {@code cursor} have other cache keys that no exact path can name
 * in advance: in this mode they are refreshed by their {@code max-age} ({@code catalog.edge.max-age},
 * 30 s by default) plus {@code stale-while-revalidate}, not by a purge. Ids and categories are restricted to
 * {@code [A-Za-z0-9_-]}, so the paths need no encoding.
 */
final class CloudFrontPaths {

    private static final String PRODUCT = SurrogateKeys.product("");
    private static final String CATEGORY = SurrogateKeys.category("");

    private CloudFrontPaths() {
    }

    /** The distinct paths of {@code keys}, in key order; keys of other shapes are ignored. */
    static Set<String> of(Collection<String> keys) {
        Set<String> paths = new LinkedHashSet<>();
        for (String key : keys) {
            paths.addAll(of(key));
        }
        paths.removeIf(path -> path.indexOf('*') >= 0);
        return paths;
    }

    static List<String> of(String key) {
        if (key.equals(SurrogateKeys.ALL_PRODUCTS)) {
            return List.of("/products");
        }
        if (key.startsWith(PRODUCT) && key.length() > PRODUCT.length()) {
            return List.of("/products/" + key.substring(PRODUCT.length()));
        }
        if (key.startsWith(CATEGORY) && key.length() > CATEGORY.length()) {
            String category = key.substring(CATEGORY.length());
            return List.of("/categories/" + category + "/summary", "/products?category=" + category);
        }
        return List.of();
    }
}
