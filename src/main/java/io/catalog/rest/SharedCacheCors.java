package io.catalog.rest;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;

/**
 * CORS answers that an edge cache may share between sites. The CORS handler echoes the caller's {@code Origin} in
 * {@code Access-Control-Allow-Origin}; a CDN that caches that answer would hand one site's origin to another. With
 * every origin allowed (and no credentials) the answer becomes the literal {@code *}, the same for everyone; with an
 * allow-list it carries {@code Vary: Origin}, so caches keep one copy per origin.
 */
@ApplicationScoped
public class SharedCacheCors {

    private final boolean anyOrigin;

    public SharedCacheCors(Config config) {
        List<String> origins = config.getOptionalValues("quarkus.http.cors.origins", String.class).orElse(List.of());
        this.anyOrigin = origins.isEmpty() || origins.contains("*");
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(context -> {
            // only a request with an Origin gets CORS answers: the others need no look at their headers
            if (context.request().headers().contains(HttpHeaders.ORIGIN)) {
                HttpServerResponse response = context.response();
                context.addHeadersEndHandler(v -> shareable(response));
            }
            context.next();
        });
    }

    void shareable(HttpServerResponse response) {
        if (!response.headers().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            return;
        }
        if (anyOrigin) {
            response.headers().set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else {
            response.headers().add(HttpHeaders.VARY, "Origin");
        }
    }
}
