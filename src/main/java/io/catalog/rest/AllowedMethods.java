package io.catalog.rest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The methods each path of the API answers, for the {@code Allow} header of a 405 (RFC 9110 section 15.5.6): the
 * framework does not tell its exception mappers. Kept beside the resources it mirrors and checked by the tests.
 */
final class AllowedMethods {

    private record Route(Pattern path, String methods) {
    }

    private static final List<Route> ROUTES = List.of(
            new Route(Pattern.compile("/products(/[^/]+)?"), "GET, HEAD, OPTIONS"),
            new Route(Pattern.compile("/categories/[^/]+/summary"), "GET, HEAD, OPTIONS"),
            new Route(Pattern.compile("/admin/products/[^/]+"), "PUT, DELETE, OPTIONS"),
            new Route(Pattern.compile("/admin/products/[^/]+/price"), "PATCH, OPTIONS"),
            new Route(Pattern.compile("/admin/prices/batch"), "POST, OPTIONS"),
            new Route(Pattern.compile("/checkout/quote"), "POST, OPTIONS"),
            new Route(Pattern.compile("/admin/cache/products/[^/]+|/admin/cache/hot"), "GET, HEAD, OPTIONS"),
            new Route(Pattern.compile("/admin/cache/products/[^/]+/refresh"), "POST, OPTIONS"),
            new Route(Pattern.compile("/events/products"), "GET, HEAD, OPTIONS"),
            new Route(Pattern.compile("/ui/?|/ui/(categories|products)/[^/]+|/ui/(admin|dashboard)(/metrics)?"),
                    "GET, HEAD, OPTIONS"));

    private AllowedMethods() {
    }

    static String of(String path) {
        return ROUTES.stream().filter(r -> r.path().matcher(path).matches()).map(Route::methods).findFirst()
                .orElse("OPTIONS");
    }
}
