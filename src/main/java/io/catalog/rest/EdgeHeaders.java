package io.catalog.rest;

import java.net.URI;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.cache.CachedValue;
import io.catalog.cache.PreparedValue;
import io.catalog.cache.Served;
import io.catalog.config.CatalogConfig;
import io.catalog.model.ETags;
import io.catalog.model.SurrogateKeys;

/**
 * The response policy of public GETs, for CloudFront and any other HTTP cache: how long the answer may be kept
 * ({@code Cache-Control}), what it is ({@code ETag}, {@code X-Cache-Version}), which tier answered
 * ({@code X-Cache}) and what it depends on ({@code Surrogate-Key} space-separated for Varnish and Fastly-style
 * caches, {@code Cache-Tag} comma-separated for CloudFront's cache tags, for precise purges). A matching
 * {@code If-None-Match} answers 304 without a body.
 */
@ApplicationScoped
public class EdgeHeaders {

    public static final String X_CACHE = "X-Cache";
    public static final String X_CACHE_VERSION = "X-Cache-Version";
    /**
     * On a list page: the sequence a live subscriber resumes after ({@code Last-Event-ID}) to miss no change the page
     * does not show: the newest change the serving pod's feed had applied before it assembled the page
     * ({@code CacheCoherence.feedReached}). A page's {@code X-Cache-Version} is not one: changes are appended out of
     * their sequences' order, and one appended before the change that labels the page can be missing from it.
     */
    public static final String X_LIVE_SINCE = "X-Live-Since";
    public static final String SURROGATE_KEY = SurrogateKeys.HEADER;
    /** The same keys comma-separated, the form CloudFront reads cache tags in (its cache-tag header setting). */
    public static final String CACHE_TAG = SurrogateKeys.TAG_HEADER;

    private final String cacheControl;
    private final String immutable;

    public EdgeHeaders(CatalogConfig config) {
        CatalogConfig.Edge edge = config.edge();
        StringBuilder value = new StringBuilder("public, max-age=").append(edge.maxAge().toSeconds());
        edge.sMaxAge().ifPresent(s -> value.append(", s-maxage=").append(s.toSeconds()));
        value.append(", stale-while-revalidate=").append(edge.staleWhileRevalidate().toSeconds());
        value.append(", stale-if-error=").append(edge.staleIfError().toSeconds());
        this.cacheControl = value.toString();
        this.immutable = "public, max-age=" + edge.immutableMaxAge().toSeconds() + ", immutable";
    }

    public String cacheControl() {
        return cacheControl;
    }

    /**
     * The response for a versioned URL ({@code ?v=<X-Cache-Version>}): the current version is immutable under its
     * URL, so it may be kept for a year and never needs purging; any other version redirects (302, cacheable like
     * the unversioned resource) to the current one's URL.
     */
    public Response respondVersioned(Served served, long version, String ifNoneMatch, String path,
            String absentDetail) {
        CachedValue value = served.value();
        if (!value.exists()) {
            return respond(served, ifNoneMatch, absentDetail);
        }
        if (value.version() == version) {
            return respond(served, ifNoneMatch, absentDetail, immutable);
        }
        return describe(Response.status(Response.Status.FOUND).location(URI.create(path + "?v=" + value.version())),
                served, cacheControl);
    }

    /**
     * The response for a served representation.
     *
     * @param absentDetail the 404 detail when the representation does not exist
     */
    public Response respond(Served served, String ifNoneMatch, String absentDetail) {
        return respond(served, ifNoneMatch, absentDetail, cacheControl);
    }

    private Response respond(Served served, String ifNoneMatch, String absentDetail, String caching) {
        CachedValue value = served.value();
        Response.ResponseBuilder response;
        if (!value.exists()) {
            response = Response.fromResponse(Problem.response(404, "not-found", "Not found", absentDetail));
        } else if (ETags.matches(ifNoneMatch, value.etag())) {
            response = Response.notModified().header(HttpHeaders.ETAG, value.etag());
        } else {
            response = Response.ok(value.body(), MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.ETAG, value.etag());
        }
        return describe(response, served, caching);
    }

    /**
     * Another representation of a served value (its HTML page): the same caching, version, tier and purge keys as
     * the JSON, so the edge keeps it and purges it with it, under its own {@code etag} ({@code null} when absent).
     */
    public Response respondAs(Served served, String etag, String ifNoneMatch,
            Supplier<Response.ResponseBuilder> render) {
        Response.ResponseBuilder response = etag != null && ETags.matches(ifNoneMatch, etag)
                ? Response.notModified()
                : render.get();
        if (etag != null) {
            response.header(HttpHeaders.ETAG, etag);
        }
        return describe(response, served, cacheControl);
    }

    /** {@code response} with {@link #X_LIVE_SINCE} when it is a 200 and the pod's feed had reached an entry. */
    public static Response withLiveSince(Response response, long reached) {
        if (reached < 0 || response.getStatus() != Response.Status.OK.getStatusCode()) {
            return response;
        }
        return Response.fromResponse(response).header(X_LIVE_SINCE, reached).build();
    }

    /** The headers every public answer carries: caching, version, tier and purge keys. */
    private static Response describe(Response.ResponseBuilder response, Served served, String caching) {
        CachedValue value = served.value();
        return response.header(HttpHeaders.CACHE_CONTROL, caching)
                .header(X_CACHE_VERSION, value.version())
                .header(X_CACHE, served.tier().name())
                .header(SURROGATE_KEY, PreparedValue.surrogateKeyHeader(value))
                .header(CACHE_TAG, PreparedValue.cacheTagHeader(value))
                .build();
    }
}
