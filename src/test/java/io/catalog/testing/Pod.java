package io.catalog.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One instance of the packaged service ({@code target/quarkus-app/quarkus-run.jar}) running as its own process,
 * configured only through the environment variables of API.md section 1, as a pod would be.
 */
public final class Pod implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final int managementPort;
    private final ChildProcess process;
    private final String readyPath;

    private Pod(String name, int port, int managementPort, ChildProcess process, String readyPath) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.readyPath = readyPath;
    }

    /** Starts a pod; {@link #awaitReady} waits for it. */
    static Pod start(String name, Map<String, String> environment) {
        return start(name, LocalStackPaths.projectRoot().resolve("target/quarkus-app/quarkus-run.jar"), environment);
    }

    /** Starts a pod of the service's jar {@code jar} (another build of it, for benchmarks); {@link #awaitReady} waits. */
    static Pod start(String name, Path jar, Map<String, String> environment) {
        if (!jar.toFile().isFile()) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package (the failsafe phase runs after it)");
        }
        return start(name, jar, environment, "/q/health/ready", true);
    }

    /**
     * Starts another Quarkus application's jar the way pods run (same JVM options, a free port), for example the
     * bare benchmark app, ready when {@code readyPath} answers 200; waits until it is.
     */
    public static Pod startApp(String name, Path jar, Map<String, String> environment, String readyPath) {
        if (!jar.toFile().isFile()) {
            throw new IllegalStateException(jar + " is missing: build it first");
        }
        Pod app = start(name, jar, environment, readyPath, false);
        try {
            app.awaitReady(Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    /**
     * @param management whether the jar is the service's, built (prod profile) with {@code /q/*} on Quarkus'
     *        management interface: it gets a free port of its own, and {@link #uri} sends {@code /q/*} there
     */
    private static Pod start(String name, Path jar, Map<String, String> environment, String readyPath,
            boolean management) {
        Path root = LocalStackPaths.projectRoot();
        int port = FreePorts.find();
        int managementPort = management ? FreePorts.find() : 0;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions());
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        if (management) {
            builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        }
        Path log = LocalStackPaths.logDir().resolve(name + ".log");
        return new Pod(name, port, managementPort, ChildProcess.start(name, builder, root, log), readyPath);
    }

    /**
     * Extra JVM options of every pod, from the system property {@code pods.jvm-options} (space-separated). The test
     * suite sets {@code -XX:TieredStopAtLevel=1} (pom.xml): pods of a test live for seconds, and C2's compilations of
     * three pods starting together on two cores doubled the time they took to be ready (20 s against 10 s here).
     * Benchmarks, {@code bin/lab} and {@code bin/chaos} leave it empty: their pods run as in production.
     */
    static List<String> jvmOptions() {
        String options = System.getProperty("pods.jvm-options", "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /** CPU time the pod's JVM has used so far (user and system): a benchmark's cost per operation. */
    public Duration cpu() {
        return process.cpu();
    }

    /** The names of HotSpot's JIT compiler threads begin so. */
    private static final List<String> JIT_COMPILERS = List.of("C1 Compiler", "C2 Compiler");

    /** CPU time the pod's JIT compiler threads have used so far: a benchmark's warm-up is over when it stops rising. */
    public Duration compilerCpu() {
        return process.threadCpu(JIT_COMPILERS);
    }

    public String name() {
        return name;
    }

    /** {@code path} on this pod: {@code /q/*} on its management port, where the packaged service serves it. */
    public URI uri(String path) {
        boolean operations = managementPort > 0 && path.startsWith("/q/");
        return URI.create("http://127.0.0.1:" + (operations ? managementPort : port) + path);
    }

    void awaitReady(Duration timeout) {
        if (!Waits.untilReady(timeout, process::isAlive, this::isReady)) {
            throw new IllegalStateException(name + (process.isAlive() ? " not ready within " + timeout : " exited")
                    + "; see " + process.log() + ", which ends with:" + System.lineSeparator() + process.logTail(40));
        }
    }

    private boolean isReady() {
        try {
            return get(readyPath).statusCode() == 200;
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
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(name + ": " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of every series of these metrics in the pod's {@code /q/metrics} (Prometheus names, e.g.
     * {@code catalog_store_loads_total}); 0 for a metric the pod has not registered.
     */
    public double metric(String... names) {
        java.util.List<String> wanted = java.util.List.of(names);
        return get("/q/metrics").body().lines().filter(l -> !l.startsWith("#")).filter(l -> {
            int end = l.indexOf('{') >= 0 ? l.indexOf('{') : l.indexOf(' ');
            return end > 0 && wanted.contains(l.substring(0, end));
        }).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Sends signal {@code name} ({@code STOP}, {@code CONT}, {@code KILL} ...) to the pod's process, for real. */
    public void signal(String name) {
        process.signal(name);
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
