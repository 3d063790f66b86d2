package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * A throw-away {@code redis-server} started as a child process on a free port of 127.0.0.1,
 * without persistence ({@code --save "" --appendonly no}), so every start is empty.
 *
 * <p>
 * Tests can {@link #kill()} it to simulate a crash and {@link #restart()} it on the same port.
 * Its output goes to {@code target/local-stack/redis-<port>.log}.
 */
public final class RedisServer implements AutoCloseable {

    private static final Path DEFAULT_BINARY = Paths.get("/usr/bin/redis-server");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final int port;
    private final List<String> extraArgs;
    private final Path fixedDir;
    private ChildProcess process;

    private RedisServer(Path binary, int port) {
        this(binary, port, List.of(), null);
    }

    private RedisServer(Path binary, int port, List<String> extraArgs, Path fixedDir) {
        this.binary = binary;
        this.port = port;
        this.extraArgs = extraArgs;
        this.fixedDir = fixedDir;
    }

    /**
     * Starts a Redis Cluster node on a free port: {@code --cluster-enabled yes}, its node table in a folder of its
     * own that outlives restarts (so a restarted node rejoins its cluster, empty), failure detection after
     * {@code nodeTimeoutMillis}.
     */
    static RedisServer startClusterNode(int nodeTimeoutMillis) {
        Path binary = findBinary();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = FreePorts.find();
            Path dir;
            try {
                dir = Files.createTempDirectory(LocalStackPaths.logDir(), "redis-cluster-" + port + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a folder for a cluster node", e);
            }
            RedisServer server = new RedisServer(binary, port, List.of("--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                    "--cluster-node-timeout", Integer.toString(nodeTimeoutMillis)), dir);
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Starts a Redis on a free port and waits until it answers PING. */
    public static RedisServer start() {
        Path binary = findBinary();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            RedisServer server = new RedisServer(binary, FreePorts.find());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken in between; try another one
            }
        }
        throw last;
    }

    /** CPU time the process has used so far (user and system): a benchmark's cost per operation. */
    public Duration cpu() {
        ChildProcess current = process;
        return current == null ? Duration.ZERO : current.cpu();
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The URL for {@code quarkus.redis.hosts}: {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Returns true while the child process runs. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Sends one command over a raw socket and returns the raw RESP reply, for example
     * {@code command("XLEN", "catalog:events")} gives {@code ":3\r\n"}.
     */
    public String command(String... args) {
        return Resp.command(port, args);
    }

    /** Returns true when the server answers PING with +PONG. */
    public boolean ping() {
        return Resp.ping(port);
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to be gone. */
    public synchronized void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    /** Kills the server with SIGKILL, as a crash would, and waits for it to be gone. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Freezes the server with SIGSTOP (a replica then stops taking its master's writes); {@link #resume} continues it. */
    public synchronized void pause() {
        signal("STOP");
    }

    /** Continues a {@link #pause() paused} server with SIGCONT. */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        process.signal(name);
    }

    /** Starts the server again on the same port, empty; stops it first if it still runs. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RedisServer[" + url() + "]";
    }

    private synchronized void launch() {
        Path logDir = LocalStackPaths.logDir();
        Path dataDir = fixedDir;
        try {
            if (dataDir == null) {
                dataDir = Files.createTempDirectory(logDir, "redis-" + port + "-");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a data folder for Redis", e);
        }
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", dataDir.toString()));
        command.addAll(extraArgs);
        ChildProcess child = ChildProcess.start("redis-server:" + port, command, dataDir,
                logDir.resolve("redis-" + port + ".log"));
        if (!Waits.untilReady(STARTUP_TIMEOUT, child::isAlive, () -> Resp.ping(port))) {
            child.kill();
            throw new IllegalStateException("redis-server did not answer PING on port " + port
                    + "; see " + child.log() + ":" + System.lineSeparator() + child.logTail());
        }
        process = child;
    }

    private static Path findBinary() {
        Path binary = LocalStackPaths.findExecutable("redis-server", DEFAULT_BINARY);
        if (binary == null) {
            throw new IllegalStateException("redis-server was not found on PATH nor at "
                    + DEFAULT_BINARY + "; install it with: apt-get install redis-server");
        }
        return binary;
    }
}
