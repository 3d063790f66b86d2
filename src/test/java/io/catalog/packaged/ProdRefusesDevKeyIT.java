package io.catalog.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.catalog.testing.FreePorts;

/**
 * The packaged service, started as production would start it, with the public dev key of {@code dev/jwt} copied
 * under another name as its token verification key: it must refuse to start (the check compares key material, not
 * paths). Redis and DynamoDB point at ports nothing listens on: the refusal must not depend on them.
 */
class ProdRefusesDevKeyIT {

    @Test
    void theProdProfileRefusesToStartWithTheDevKey() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path key = Files.copy(Path.of("dev/jwt/publicKey.pem"), Files.createTempFile("issuer-key", ".pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path log = Files.createTempFile("prod-dev-key", ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar", jar.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(FreePorts.find()));
        builder.environment().put("QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:" + FreePorts.find());
        builder.environment().put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", "http://127.0.0.1:" + FreePorts.find());
        builder.environment().put("QUARKUS_DYNAMODB_AWS_REGION", "us-east-1");
        builder.environment().put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_TYPE", "static");
        builder.environment().put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", "x");
        builder.environment().put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", "x");
        builder.environment().put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", key.toString());
        builder.environment().put("MP_JWT_VERIFY_ISSUER", "https://catalog.example.com/dev");
        // every other production check satisfied, so that the dev key is the one reason to refuse
        builder.environment().put("CATALOG_CURSOR_SECRET", "prod-refuses-dev-key-it-cursor-secret-0123456789");
        builder.environment().remove("CATALOG_JWT_ALLOW_DEV_KEY");
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(120, TimeUnit.SECONDS);
            String output = Files.readString(log);
            assertThat(exited).as("the service should have stopped; its output:%n%s", output).isTrue();
            assertThat(process.exitValue()).as(output).isNotZero();
            assertThat(output).contains("verification key is the development key");
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(key);
            Files.deleteIfExists(log);
        }
    }
}
