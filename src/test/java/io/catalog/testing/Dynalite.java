package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * An in-memory dynalite (a DynamoDB-compatible server on Node.js) started as a child process on a
 * free port of 127.0.0.1, with table state changes made instant.
 *
 * <p>
 * It runs {@code <project root>/node_modules/dynalite/cli.js}, installed by {@code npm ci}. Its
 * output goes to {@code target/local-stack/dynalite-<port>.log}.
 */
public final class Dynalite implements AutoCloseable {

    private static final Path DEFAULT_NODE = Paths.get("/usr/bin/node");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final int port;
    private final ChildProcess process;

    private Dynalite(int port, ChildProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts dynalite on a free port and waits until it answers ListTables with 200. */
    public static Dynalite start() {
        Path root = LocalStackPaths.projectRoot();
        Path cli = root.resolve("node_modules/dynalite/cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException(cli + " is missing; run `npm ci` in " + root
                    + " to install dynalite (see package.json)");
        }
        Path node = LocalStackPaths.findExecutable("node", DEFAULT_NODE);
        if (node == null) {
            throw new IllegalStateException("node was not found on PATH nor at " + DEFAULT_NODE
                    + "; install Node.js (apt-get install nodejs npm)");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return launch(root, node, cli, FreePorts.find());
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken in between; try another one
            }
        }
        throw last;
    }

    /** CPU time the process has used so far (user and system): a benchmark's cost per operation. */
    public Duration cpu() {
        return process.cpu();
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The endpoint for {@code quarkus.dynamodb.endpoint-override}: {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Returns true while the child process runs. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Sends one DynamoDB JSON request, for example {@code call("ListTables", "{}")}, with a dummy
     * SigV4-shaped signature (dynalite checks its shape, not its value).
     */
    public HttpResponse<String> call(String operation, String jsonBody) {
        return post(port, operation, jsonBody);
    }

    /**
     * Freezes dynalite with SIGSTOP: it keeps its port and accepts connections (the kernel does), but never answers,
     * as a hung store would. {@link #resume()} continues it.
     */
    public void pause() {
        signal("STOP");
    }

    /** Continues a {@link #pause() paused} dynalite with SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        process.signal(name);
    }

    /** Stops dynalite (SIGTERM, then SIGKILL after 10 s) and waits for it to be gone. */
    public void stop() {
        process.stop();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Dynalite[" + endpoint() + "]";
    }

    private static Dynalite launch(Path root, Path node, Path cli, int port) {
        List<String> command = List.of(node.toString(), cli.toString(),
                "--host", "127.0.0.1",
                "--port", Integer.toString(port),
                "--createTableMs", "0",
                "--deleteTableMs", "0",
                "--updateTableMs", "0");
        ChildProcess child = ChildProcess.start("dynalite:" + port, command, root,
                LocalStackPaths.logDir().resolve("dynalite-" + port + ".log"));
        if (!Waits.untilReady(STARTUP_TIMEOUT, child::isAlive, () -> answers(port))) {
            child.kill();
            throw new IllegalStateException("dynalite did not answer ListTables on port " + port
                    + "; see " + child.log() + ":" + System.lineSeparator() + child.logTail());
        }
        return new Dynalite(port, child);
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        } catch (IOException e) {
            return false;
        }
        try {
            return post(port, "ListTables", "{}").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static HttpResponse<String> post(int port, String operation, String jsonBody) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 "
                        + "Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                        + "SignedHeaders=host, Signature=x")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("dynalite " + operation + " on port " + port + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling dynalite", e);
        }
    }
}
