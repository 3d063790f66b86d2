package io.catalog.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal Redis protocol (RESP2) client over a raw socket: one connection per command, no
 * client library. Meant for test set-up and assertions, not for the service.
 */
final class Resp {

    private static final int TIMEOUT_MS = 5_000;

    private Resp() {
    }

    /** Returns true when the server on {@code port} answers an inline {@code PING} with +PONG. */
    static boolean ping(int port) {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return readReply(socket.getInputStream()).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends one command as a RESP array of bulk strings and returns the complete raw reply, CRLFs
     * included (for example {@code "+OK\r\n"}, {@code ":3\r\n"}, {@code "$-1\r\n"}).
     */
    static String command(int port, String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("Redis command " + args[0] + " on port " + port + " failed", e);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    private static byte[] encode(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        writeAscii(buffer, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(buffer, "$" + bytes.length + "\r\n");
            buffer.writeBytes(bytes);
            writeAscii(buffer, "\r\n");
        }
        return buffer.toByteArray();
    }

    private static void writeAscii(ByteArrayOutputStream buffer, String text) {
        buffer.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads exactly one RESP2 value and returns its raw text. */
    private static String readReply(InputStream in) throws IOException {
        StringBuilder raw = new StringBuilder();
        readValue(in, raw);
        return raw.toString();
    }

    private static void readValue(InputStream in, StringBuilder raw) throws IOException {
        String line = readLine(in);
        raw.append(line).append("\r\n");
        char type = line.isEmpty() ? '?' : line.charAt(0);
        if (type == '$') {
            int length = Integer.parseInt(line.substring(1));
            if (length >= 0) {
                raw.append(new String(in.readNBytes(length + 2), StandardCharsets.UTF_8));
            }
        } else if (type == '*') {
            int count = Integer.parseInt(line.substring(1));
            for (int i = 0; i < count; i++) {
                readValue(in, raw);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed before the end of the reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }
}
