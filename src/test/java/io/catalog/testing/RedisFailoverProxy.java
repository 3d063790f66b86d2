package io.catalog.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy in front of a Redis that can fail over to another Redis <em>without</em> its clients' connections
 * ever failing: what a managed Redis endpoint can do and what no restart of a {@code redis-server} can. It reads
 * the RESP of both directions to know, per connection, which commands are still unanswered; on
 * {@link #failOver(int)} it connects every client to the new server, replays the connection's set-up commands
 * ({@code HELLO}, {@code SELECT}, {@code CLIENT ...}) and then the unanswered ones, so a parked {@code XREAD BLOCK}
 * simply goes on waiting, on the new server. A client can then only tell from the server itself ({@code run_id}).
 *
 * <p>
 * Otherwise transparent: when the server closes a connection (killed, {@code CLIENT KILL}, down), the proxy closes
 * the client's. {@link #holdStreamReads()} keeps the replies of stream reads from the clients until the fail-over
 * drops them, as a replica that had not caught up loses what the old primary appended.
 */
public final class RedisFailoverProxy implements AutoCloseable {

    private static final Set<String> SESSION = Set.of("HELLO", "AUTH", "SELECT", "CLIENT", "READONLY");
    private static final Set<String> STREAM_READS = Set.of("XREAD", "XREADGROUP");

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "redis-failover-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile int backendPort;
    private volatile boolean holdStreamReads;

    private RedisFailoverProxy(ServerSocket listener, int backendPort) {
        this.listener = listener;
        this.backendPort = backendPort;
    }

    /** Listens on a free port of 127.0.0.1 and forwards to the Redis on {@code backendPort}. */
    public static RedisFailoverProxy start(int backendPort) {
        try {
            RedisFailoverProxy proxy = new RedisFailoverProxy(
                    new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), backendPort);
            proxy.threads.execute(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for the Redis proxy", e);
        }
    }

    /** The URL for {@code quarkus.redis.hosts}. */
    public String url() {
        return "redis://127.0.0.1:" + listener.getLocalPort();
    }

    /** From now until {@link #failOver}, replies to stream reads are kept from the clients. */
    public void holdStreamReads() {
        holdStreamReads = true;
    }

    /**
     * Moves every connection, and new ones, to the Redis on {@code port}: replies the old server had not delivered
     * are dropped, unanswered commands are sent again to the new server; no client connection is closed.
     */
    public void failOver(int port) {
        backendPort = port;
        for (Link link : links) {
            link.failOver(port);
        }
        holdStreamReads = false;
    }

    @Override
    public void close() {
        closeQuietly(listener);
        links.forEach(Link::close);
        threads.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Link link = new Link(listener.accept());
                links.add(link);
                link.start(backendPort);
            } catch (IOException e) {
                // the listener was closed, or the new client could not be connected (the link closed itself)
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A command as the client sent it. */
    private record Command(String name, byte[] raw) {
    }

    /** One client connection and its current server connection. */
    private final class Link {
        private final Socket client;
        private final OutputStream toClient;
        private final Deque<Command> unanswered = new ArrayDeque<>();
        private final List<Command> session = new ArrayList<>();
        private Socket server;
        private OutputStream toServer;
        private int generation;
        private int swallow;

        Link(Socket client) throws IOException {
            this.client = client;
            this.toClient = new BufferedOutputStream(client.getOutputStream());
        }

        synchronized void start(int port) throws IOException {
            try {
                connect(port);
            } catch (IOException e) {
                close();
                throw e;
            }
            threads.execute(this::pumpCommands);
        }

        /** Connects to {@code port} as a new generation, replaying the session, then the unanswered commands. */
        private void connect(int port) throws IOException {
            closeQuietly(server);
            generation++;
            server = new Socket(InetAddress.getLoopbackAddress(), port);
            server.setTcpNoDelay(true);
            toServer = new BufferedOutputStream(server.getOutputStream());
            swallow = session.size();
            for (Command command : session) {
                toServer.write(command.raw());
            }
            for (Command command : unanswered) {
                toServer.write(command.raw());
            }
            toServer.flush();
            int mine = generation;
            InputStream in = server.getInputStream();
            threads.execute(() -> pumpReplies(in, mine));
        }

        synchronized void failOver(int port) {
            try {
                connect(port);
            } catch (IOException e) {
                close();
            }
        }

        private void pumpCommands() {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(client.getInputStream()))) {
                while (true) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    String name = RespFrames.command(in, raw);
                    synchronized (this) {
                        Command command = new Command(name, raw.toByteArray());
                        unanswered.add(command);
                        if (SESSION.contains(name)) {
                            session.add(command);
                        }
                        toServer.write(command.raw());
                        toServer.flush();
                    }
                }
            } catch (IOException e) {
                close();
            }
        }

        private void pumpReplies(InputStream server, int mine) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(server));
            List<byte[]> held = new ArrayList<>();
            try {
                while (true) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    boolean push = RespFrames.value(in, raw) == '>';
                    synchronized (this) {
                        if (mine != generation) {
                            return; // failed over: what the old server still says is lost
                        }
                        if (push) {
                            toClient.write(raw.toByteArray());
                        } else if (swallow > 0) {
                            swallow--; // the answer to a replayed set-up command: the client had it already
                        } else if (holdStreamReads && !unanswered.isEmpty()
                                && STREAM_READS.contains(unanswered.peekFirst().name())) {
                            held.add(raw.toByteArray()); // stays unanswered: replayed on fail-over
                        } else {
                            unanswered.pollFirst();
                            toClient.write(raw.toByteArray());
                        }
                        toClient.flush();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    if (mine == generation) {
                        close(); // the server closed this connection: so does the proxy, as Redis would
                    }
                }
            }
        }

        void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(server);
        }
    }
}
