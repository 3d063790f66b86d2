package io.catalog.packaged;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.catalog.testing.FreePorts;
import io.catalog.testing.LocalStackResource;

/**
 * The local stack for the packaged application (jar or native executable), which runs in the prod profile: it
 * also needs the admin token settings that dev and test take from application.properties, and a cursor secret
 * of its own (prod refuses the built-in one); its management interface ({@code /q/*}) gets a free port.
 */
public class PackagedAppResource extends LocalStackResource {

    private static volatile int managementPort;

    /** The port of the packaged service's management interface ({@code /q/*}, on by default in production). */
    static int managementPort() {
        return managementPort;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("mp.jwt.verify.publickey.location", Path.of("dev/jwt/publicKey.pem").toAbsolutePath().toString());
        config.put("mp.jwt.verify.issuer", "https://catalog.example.com/dev");
        config.put("catalog.cursor.secret", "packaged-app-test-cursor-secret-0123456789");
        config.put("catalog.jwt.allow-dev-key", "true");
        managementPort = FreePorts.find();
        config.put("quarkus.management.port", Integer.toString(managementPort));
        return config;
    }
}
