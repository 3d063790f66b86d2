package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds free TCP ports on the loopback interface for servers started by tests.
 *
 * <p>
 * The port is free when this method returns; another process may still take it before the
 * caller binds it, so callers that start a child process retry with a new port when it fails to
 * bind. A port is never handed out twice by one JVM: the kernel may offer a port it just gave
 * back, and two pods started together on the same port pass each other's readiness check (one
 * answers for both while the other has died on a bind error).
 */
public final class FreePorts {

    private FreePorts() {
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** Returns a TCP port that is currently free on 127.0.0.1 and that this JVM never handed out before. */
    public static int find() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no TCP port on 127.0.0.1 that was not handed out before");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free TCP port on 127.0.0.1", e);
        }
    }
}
