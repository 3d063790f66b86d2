package io.catalog.rest;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.catalog.cache.PreparedValue;
import io.catalog.cache.TieredCache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.ETags;
import io.catalog.model.Keys;
import io.catalog.model.Validation;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /products/{id}} answered from L1 on the event loop, before Quarkus REST: the L1 lookup
 * ({@link TieredCache#l1Hit}, the read path's one L1 lookup, with its metrics), then the prepared body and header
 * values of the entry ({@link PreparedValue}) written as they are, with the caching policy of {@link EdgeHeaders}.
 * No {@code Response} builder, no {@code Uni}, no context propagation: that is what an L1 hit cost in the JAX-RS
 * path (a JFR profile put a third of an L1 hit's samples there).
 *
 * <p>
 * It answers only what it can answer exactly as {@link ProductResource} would, header for header
 * ({@code ProductFastPathTest} compares the two): a plain {@code GET} without a query, of a valid id, accepting JSON,
 * whose entry L1 holds and may serve; 200, 304 on a matching {@code If-None-Match}, or the 404 problem of a negative
 * entry. Everything else goes on ({@code next()}) to Quarkus' filters and Quarkus REST: a miss (marked
 * {@link #L1_MISSED}, so that the JAX-RS path does not look L1 up a second time), an untrusted L1, {@code HEAD},
 * versioned URLs ({@code ?v=}), any other query, and a request with an {@code Origin} (CORS answers are the CORS
 * filter's). It runs after the service's routes that every request passes (the body limit, the rate limit of
 * {@link RateLimitFilter}) and before Quarkus' filters, which a plain public read does not need (CORS answers only
 * requests with an {@code Origin}; authentication is not proactive and product reads are public). Micrometer's
 * HTTP server metrics count it as every request, under the {@code uri} tag {@code /products/{id}}: the route has no
 * path (a path with a parameter costs a regular expression per request), so the handler reports the route name
 * {@code /products/:id} itself ({@link HttpServerRequest#routed}), as Vert.x does for a route of that path.
 */
@ApplicationScoped
public class ProductFastPath {

    /** The routing context's mark of a request whose L1 lookup the fast path made and missed. */
    public static final String L1_MISSED = "catalog.l1.missed";
    /**
     * Right after the service's own first routes (the body limit, {@link SharedCacheCors}, the rate limit) and before
     * Quarkus' HTTP filters (CORS, authentication) and Quarkus REST: a public read needs none of those filters unless
     * it carries an {@code Origin}, and such a request goes on to them.
     */
    static final int ORDER = Integer.MIN_VALUE + 4;

    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized(Problem.MEDIA_TYPE);
    private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
    private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence X_CACHE_VERSION = HttpHeaders.createOptimized(EdgeHeaders.X_CACHE_VERSION);
    private static final CharSequence X_CACHE = HttpHeaders.createOptimized(EdgeHeaders.X_CACHE);
    private static final CharSequence SURROGATE_KEY = HttpHeaders.createOptimized(EdgeHeaders.SURROGATE_KEY);
    private static final CharSequence CACHE_TAG = HttpHeaders.createOptimized(EdgeHeaders.CACHE_TAG);
    private static final CharSequence L1 = HttpHeaders.createOptimized("L1");
    private static final String PREFIX = "/products/";
    /** The route name the HTTP server metrics turn into their {@code uri} tag, {@code /products/{id}}. */
    static final String ROUTE = PREFIX + ":id";

    private final TieredCache cache;
    private final CharSequence cacheControl;
    private final boolean enabled;
    private final LongAdder answered = new LongAdder();

    public ProductFastPath(TieredCache cache, EdgeHeaders edge, CatalogConfig config) {
        this.cache = cache;
        this.cacheControl = HttpHeaders.createOptimized(edge.cacheControl());
        this.enabled = config.l1().fastPath();
    }

    /**
     * A route without a path: Vert.x matches a path with a parameter ({@code /products/:id}) by a regular expression
     * and decodes the parameter for every request, which a JFR profile put at 5 % of an L1 hit; {@link #handle}
     * checks the path itself, with the same outcome.
     */
    void install(@Observes Router router) {
        if (enabled) {
            router.route().order(ORDER).handler(this::handle);
        }
    }

    void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = request.path();
        if (!isProductPath(request.method(), path)) {
            context.next();
            return;
        }
        // what a route of path /products/:id reported: the HTTP server metrics' uri tag, /products/{id}
        request.routed(ROUTE);
        String id = path.substring(PREFIX.length());
        if (request.query() != null || !Validation.isId(id) || request.headers().contains(HttpHeaders.ORIGIN)
                || !acceptsJson(request.headers())) {
            context.next();
            return;
        }
        PreparedValue hit = cache.l1Hit(Keys.product(id));
        if (hit == null) {
            context.put(L1_MISSED, Boolean.TRUE);
            context.next();
            return;
        }
        answered.increment();
        respond(context.response(), hit, request.getHeader(HttpHeaders.IF_NONE_MATCH), id);
    }

    /**
     * Whether a request is what the route {@code GET /products/:id} matched: a {@code GET} of {@code /products/}
     * and one path segment (any query). The fast path answers only those with a valid id and no query.
     */
    static boolean isProductPath(HttpMethod method, String path) {
        return method == HttpMethod.GET && path != null && path.length() > PREFIX.length() && path.startsWith(PREFIX)
                && path.indexOf('/', PREFIX.length()) < 0;
    }

    /**
     * Whether the request accepts {@code application/json} for sure: no {@code Accept}, or one whose ranges include
     * {@code application/json}, {@code application/*} or {@code *}{@code /*} without a zero quality. Anything less
     * plain goes to Quarkus REST, which negotiates (and answers 406 where it must).
     */
    static boolean acceptsJson(MultiMap headers) {
        List<String> accepts = headers.getAll(HttpHeaders.ACCEPT);
        if (accepts.isEmpty()) {
            return true;
        }
        for (String accept : accepts) {
            for (String range : accept.split(",")) {
                String[] parts = range.split(";");
                String type = parts[0].trim().toLowerCase(Locale.ROOT);
                boolean json = type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
                if (json && !zeroQuality(parts)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean zeroQuality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private void respond(HttpServerResponse response, PreparedValue hit, String ifNoneMatch, String id) {
        MultiMap headers = response.headers();
        if (!hit.value().exists()) {
            response.setStatusCode(404);
            headers.add(CONTENT_TYPE, PROBLEM_JSON);
            describe(headers, hit);
            response.end(notFound(id));
            return;
        }
        if (ETags.matches(ifNoneMatch, hit.value().etag())) {
            response.setStatusCode(304);
            headers.add(ETAG, hit.etag());
            describe(headers, hit);
            response.end();
            return;
        }
        headers.add(CONTENT_TYPE, JSON);
        headers.add(ETAG, hit.etag());
        describe(headers, hit);
        response.end(hit.body());
    }

    private void describe(MultiMap headers, PreparedValue hit) {
        headers.add(CACHE_CONTROL, cacheControl);
        headers.add(X_CACHE_VERSION, hit.version());
        headers.add(X_CACHE, L1);
        headers.add(SURROGATE_KEY, hit.surrogateKey());
        headers.add(CACHE_TAG, hit.cacheTag());
    }

    /** The problem document {@link ProductResource} answers for an absent product (Jackson writes it the same). */
    static String notFound(String id) {
        return "{\"type\":\"" + Problem.TYPE_BASE + "not-found\",\"title\":\"Not found\",\"status\":404,"
                + "\"detail\":\"No product " + id + "\"}";
    }

    /** L1 hits answered here since start, for tests. */
    long answered() {
        return answered.sum();
    }
}
