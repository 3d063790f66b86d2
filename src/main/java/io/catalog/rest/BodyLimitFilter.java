package io.catalog.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Request bodies, after the rate limit ({@link RateLimitFilter} runs first, with the request paused, so that a client
 * over its limit never has a byte of its body read): only the methods that take one (POST, PUT, PATCH) may send one,
 * of 1 MiB at most. A declared length over the limit is answered 413 with a problem document at once (the HTTP
 * layer's own 413 has no body); a chunked body goes through a {@link BodyHandler} limited to the same size. A body
 * sent with a GET, HEAD, DELETE or OPTIONS is never buffered: the request is answered as if it had none (the routes
 * of those methods read no body). {@code quarkus.http.limits.max-body-size} still stops bodies without a declared
 * length.
 */
@ApplicationScoped
public class BodyLimitFilter {

    static final long MAX_BODY = 1024 * 1024;
    /** After the rate limit ({@code Integer.MIN_VALUE + 3}). */
    static final int ORDER = Integer.MIN_VALUE + 4;
    static final String PROBLEM = "{\"type\":\"" + Problem.TYPE_BASE + "payload-too-large\",\"title\":\"Payload too large\","
            + "\"status\":413,\"detail\":\"Request bodies are limited to 1 MiB\"}";

    /**
     * One route for every check (every request passes it, so one route rather than several); a failure of the chunked
     * body's handler with 413 is answered with the problem document.
     */
    void install(@Observes Router router) {
        BodyHandler chunked = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.route().order(ORDER).handler(context -> limit(context, chunked)).failureHandler(context -> {
            if (context.statusCode() == 413) {
                refuse(context, 413, PROBLEM);
            } else {
                context.next();
            }
        });
    }

    void limit(RoutingContext context, BodyHandler chunked) {
        if (!takesBody(context.request().method())) {
            context.next(); // nothing here reads a body: none is buffered, whatever the request declares
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            if (tooLarge(length)) {
                refuse(context, 413, PROBLEM);
            } else {
                context.next();
            }
        } else if (context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            chunked.handle(context);
        } else {
            context.next();
        }
    }

    static boolean takesBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    private static void refuse(RoutingContext context, int status, String problem) {
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problem);
    }

    private static boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
