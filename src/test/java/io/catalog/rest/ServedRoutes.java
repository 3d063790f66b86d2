package io.catalog.rest;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/** The HTTP router of the service under test, kept to list the routes that have a path. */
@ApplicationScoped
public class ServedRoutes {

    private static volatile Router router;

    void capture(@Observes Router router) {
        ServedRoutes.router = router;
    }

    /**
     * The paths of the routes that have one, those of mounted sub-routers included, a prefix route ending with
     * {@code *}.
     */
    static List<String> paths() {
        List<String> paths = new ArrayList<>();
        collect(router, "", paths);
        return paths.stream().distinct().sorted().toList();
    }

    private static void collect(Router router, String prefix, List<String> paths) {
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null) {
                continue;
            }
            String path = prefix + route.getPath();
            if (route.getSubRouter() != null) {
                collect(route.getSubRouter(), path.endsWith("/") ? path.substring(0, path.length() - 1) : path, paths);
            } else {
                paths.add(route.isExactPath() ? path : path + "*");
            }
        }
    }
}
