package io.catalog.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.catalog.config.CatalogConfig;
import io.catalog.ratelimit.Decision;
import io.catalog.ratelimit.Limit;
import io.catalog.ratelimit.RateLimiter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts every request against its client's bucket before anything else is done for it: checkout quotes, admin
 * requests and everything else public (reads) each have their own limit; {@code /q/*} (health, metrics) is not
 * limited. The client is the remote address Quarkus reports, which with {@code quarkus.http.proxy.*} is the address
 * the trusted proxy forwarded (Quarkus takes the leftmost {@code X-Forwarded-For} address), or the address in
 * {@code catalog.rate-limit.client-header} when that is set and present. Over the limit: 429 problem+json with
 * {@code Retry-After} and the IETF
 * {@code RateLimit-Policy} / {@code RateLimit} fields (draft-ietf-httpapi-ratelimit-headers), never cached.
 */
@ApplicationScoped
public class RateLimitFilter {

    private final RateLimiter limiter;
    private final Limit reads;
    private final Limit checkout;
    private final Limit admin;
    private final ClientAddress clients;

    public RateLimitFilter(RateLimiter limiter, ClientAddress clients, CatalogConfig config) {
        this.limiter = limiter;
        this.reads = Limit.reads(config.rateLimit());
        this.checkout = Limit.checkout(config.rateLimit());
        this.admin = Limit.admin(config.rateLimit());
        this.clients = clients;
    }

    void install(@Observes Router router) {
        if (limiter.enabled()) {
            router.route().order(Integer.MIN_VALUE + 3).handler(this::limit);
        }
    }

    /** The limit a path counts against, or {@code null} for the management endpoints. */
    Limit limitOf(String path) {
        if (path == null || path.startsWith("/q/")) {
            return null;
        }
        if (path.startsWith("/checkout")) {
            return checkout;
        }
        return path.startsWith("/admin") ? admin : reads;
    }

    void limit(RoutingContext context) {
        Limit limit = limitOf(context.normalizedPath());
        if (limit == null) {
            context.next();
            return;
        }
        HttpServerRequest request = context.request();
        String client = clients.of(request);
        boolean paused = !request.isEnded();
        if (paused) {
            request.pause();
        }
        Context vertx = Vertx.currentContext();
        limiter.take(client, limit).subscribe().with(decision -> onContext(vertx, () -> {
            if (decision.allowed()) {
                if (paused) {
                    request.resume();
                }
                context.next();
            } else {
                tooMany(context, limit, decision);
            }
        }), failure -> onContext(vertx, () -> {
            if (paused) {
                request.resume();
            }
            context.next();
        }));
    }

    private static void onContext(Context vertx, Runnable task) {
        if (vertx == null || Vertx.currentContext() == vertx) {
            task.run();
        } else {
            vertx.runOnContext(v -> task.run());
        }
    }

    private static void tooMany(RoutingContext context, Limit limit, Decision decision) {
        long retryAfter = decision.retryAfterSeconds();
        String body = "{\"type\":\"" + Problem.TYPE_BASE + "rate-limited\",\"title\":\"Too many requests\","
                + "\"status\":429,\"detail\":\"More than " + limit.rate() + " " + limit.name()
                + " requests a second (bursts of " + limit.burst() + ") from this client; retry after " + retryAfter
                + " s\"}";
        context.response().setStatusCode(429)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
                .putHeader("RateLimit-Policy", "\"" + limit.name() + "\";q=" + limit.burst() + ";w=" + limit.windowSeconds())
                .putHeader("RateLimit", "\"" + limit.name() + "\";r=" + decision.remaining() + ";t=" + retryAfter);
        if (!context.request().isEnded()) {
            // the body was never read: do not leave it on a connection that would be reused
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        context.response().end(body);
    }
}
