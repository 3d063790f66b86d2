package io.catalog.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Answers a request whose declared body exceeds 1 MiB with a 413 problem document before anything reads it (the
 * HTTP layer's own 413 has no body). {@code quarkus.http.limits.max-body-size} still stops bodies without a
 * declared length.
 */
@ApplicationScoped
public class BodyLimitFilter {

    static final long MAX_BODY = 1024 * 1024;
    static final String PROBLEM = "{\"type\":\"" + Problem.TYPE_BASE + "payload-too-large\",\"title\":\"Payload too large\","
            + "\"status\":413,\"detail\":\"Request bodies are limited to 1 MiB\"}";

    /**
     * One route for both checks (every request passes it, so one route rather than two): a declared length over the
     * limit is answered 413 at once; a chunked body without a declared length goes through a {@link BodyHandler}
     * limited to the same size, whose 413 the failure handler answers with the problem document.
     */
    void install(@Observes Router router) {
        BodyHandler chunked = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.route().order(Integer.MIN_VALUE).handler(context -> limit(context, chunked)).failureHandler(context -> {
            if (context.statusCode() == 413) {
                tooLarge(context);
            } else {
                context.next();
            }
        });
    }

    void limit(RoutingContext context, BodyHandler chunked) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            if (tooLarge(length)) {
                tooLarge(context);
            } else {
                context.next();
            }
        } else if (context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            chunked.handle(context);
        } else {
            context.next();
        }
    }

    private static void tooLarge(RoutingContext context) {
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(PROBLEM);
    }

    private static boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
