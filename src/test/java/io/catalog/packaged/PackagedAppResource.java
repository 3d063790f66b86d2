package io.catalog.packaged;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.catalog.testing.LocalStackResource;

/**
 * The local stack for the packaged application (jar or native executable), which runs in the prod profile: it
 * also needs the admin token settings that dev and test take from application.properties, and a cursor secret
 * of its own (prod refuses the built-in one).
 */
public class PackagedAppResource extends LocalStackResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("mp.jwt.verify.publickey.location", Path.of("dev/jwt/publicKey.pem").toAbsolutePath().toString());
        config.put("mp.jwt.verify.issuer", "https://catalog.example.com/dev");
        config.put("catalog.cursor.secret", "packaged-app-test-cursor-secret-0123456789");
        config.put("catalog.jwt.allow-dev-key", "true");
        return config;
    }
}
