package io.catalog.edge;

import java.util.List;
import java.util.Map;

import io.catalog.testing.FreePorts;
import io.catalog.testing.VarnishServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts {@link VarnishServer} in front of the service under test. Quarkus configuration is fixed at start, so both
 * ports are chosen here first: the service's test HTTP port ({@code quarkus.http.test-port}, which becomes the
 * Varnish backend) and Varnish's port ({@code catalog.edge.purge.varnish-urls}). The demo catalog (1,000 products
 * {@code sku-00001}…) is loaded for the batch test.
 */
public class VarnishResource implements QuarkusTestResourceLifecycleManager {

    private static volatile VarnishServer varnish;

    /** The Varnish of the current test resource. */
    static VarnishServer varnish() {
        return varnish;
    }

    @Override
    public Map<String, String> start() {
        int appPort = FreePorts.find();
        varnish = VarnishServer.start(FreePorts.find(), List.of(appPort), "32m");
        return Map.of("quarkus.http.test-port", Integer.toString(appPort),
                "catalog.edge.purge.varnish-urls", varnish.url(),
                "catalog.demo.seed", "true",
                "catalog.demo.products", "1000");
    }

    @Override
    public void stop() {
        VarnishServer server = varnish;
        varnish = null;
        if (server != null) {
            server.close();
        }
    }
}
