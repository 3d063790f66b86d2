package io.catalog.edge;

import java.util.List;
import java.util.Map;

import io.catalog.testing.FreePorts;
import io.catalog.testing.VarnishServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Varnish in front of the service under test that forwards only what CloudFront's behaviours forward
 * ({@link VarnishServer#startLikeCloudFront}), so that a page driven through it gets what it would get in AWS.
 */
public class CloudFrontLikeResource implements QuarkusTestResourceLifecycleManager {

    private static volatile VarnishServer edge;

    static VarnishServer edge() {
        return edge;
    }

    @Override
    public Map<String, String> start() {
        int appPort = FreePorts.find();
        edge = VarnishServer.startLikeCloudFront(FreePorts.find(), List.of(appPort), "16m");
        return Map.of("quarkus.http.test-port", Integer.toString(appPort),
                "catalog.edge.purge.varnish-urls", edge.url());
    }

    @Override
    public void stop() {
        VarnishServer server = edge;
        edge = null;
        if (server != null) {
            server.close();
        }
    }
}
