package io.catalog.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code varnishd} (child process of the test JVM) running the shipped {@code deploy/edge/varnish.vcl},
 * generated with the backend port replaced: {@code varnishd -F -j none -a 127.0.0.1:<port> -f <vcl> -n <workdir>
 * -s malloc,32m}. Its work folder and log are under {@code target/local-stack/varnish-<port>/}.
 */
final class VarnishServer implements AutoCloseable {

    static final Path SHIPPED_VCL = Paths.get("deploy", "edge", "varnish.vcl");
    private static final String BACKEND_PORT = ".port = \"8080\";";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Process process;
    private final Thread hook;

    private VarnishServer(int port, Process process) {
        this.port = port;
        this.process = process;
        this.hook = new Thread(this::kill, "varnishd-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts Varnish on {@code port} in front of the service on {@code backendPort}; waits until it listens. */
    static VarnishServer start(int port, int backendPort) {
        try {
            Path dir = Files.createDirectories(Paths.get("target", "local-stack", "varnish-" + port).toAbsolutePath());
            Path vcl = dir.resolve("varnish.vcl");
            Files.writeString(vcl, vcl(backendPort), StandardCharsets.UTF_8);
            List<String> command = List.of("varnishd", "-F", "-j", "none", "-a", "127.0.0.1:" + port,
                    "-T", "127.0.0.1:0", "-f", vcl.toString(), "-n", dir.resolve("n").toString(),
                    "-s", "malloc,32m");
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("varnishd.log").toFile())).start();
            VarnishServer server = new VarnishServer(port, process);
            server.awaitListening(dir);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start varnishd (apt-get install varnish varnish-modules)", e);
        }
    }

    /** The shipped VCL with its backend on {@code backendPort}. */
    static String vcl(int backendPort) throws IOException {
        String shipped = Files.readString(SHIPPED_VCL, StandardCharsets.UTF_8);
        if (!shipped.contains(BACKEND_PORT)) {
            throw new IllegalStateException(SHIPPED_VCL + " no longer declares " + BACKEND_PORT);
        }
        return shipped.replace(BACKEND_PORT, ".port = \"" + backendPort + "\";");
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitListening(Path dir) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("varnishd did not listen on " + port + "; see " + dir);
            }
            sleep();
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for varnishd", e);
        }
    }
}
