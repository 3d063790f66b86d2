package io.catalog.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One instance of the packaged service ({@code target/quarkus-app/quarkus-run.jar}) running as its own process,
 * configured only through the environment variables of API.md section 1, as a pod would be.
 */
public final class Pod implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final ChildProcess process;

    private Pod(String name, int port, ChildProcess process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** Starts a pod; {@link #awaitReady} waits for it. */
    static Pod start(String name, Map<String, String> environment) {
        Path root = LocalStackPaths.projectRoot();
        Path jar = root.resolve("target/quarkus-app/quarkus-run.jar");
        if (!jar.toFile().isFile()) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package (the failsafe phase runs after it)");
        }
        int port = FreePorts.find();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Path log = LocalStackPaths.logDir().resolve(name + ".log");
        return new Pod(name, port, ChildProcess.start(name, builder, root, log));
    }

    public String name() {
        return name;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    void awaitReady(Duration timeout) {
        if (!Waits.untilReady(timeout, process::isAlive, this::isReady)) {
            throw new IllegalStateException(name + (process.isAlive() ? " not ready within " + timeout : " exited")
                    + "; see " + process.log());
        }
    }

    private boolean isReady() {
        try {
            return get("/q/health/ready").statusCode() == 200;
        } catch (RuntimeException e) {
            return false; // not listening yet
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(name + ": " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path log() {
        return process.log();
    }

    @Override
    public void close() {
        process.stop();
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }
}
