package io.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds free TCP ports on the loopback interface for servers started by tests.
 *
 * <p>
 * The port is free when this method returns; another process may still take it before the
 * caller binds it, so callers that start a child process retry with a new port when it fails to
 * bind.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** Returns a TCP port that is currently free on 127.0.0.1. */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free TCP port on 127.0.0.1", e);
        }
    }
}
