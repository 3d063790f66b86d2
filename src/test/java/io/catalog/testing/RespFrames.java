package io.catalog.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Just enough RESP2/RESP3 to find where a command or a reply ends. */
final class RespFrames {

    private RespFrames() {
    }

    /** Reads one command (an array of bulk strings), copying its bytes; returns its name in upper case. */
    static String command(DataInputStream in, ByteArrayOutputStream raw) throws IOException {
        int type = read(in, raw);
        String line = line(in, raw);
        if (type != '*') {
            String inline = (char) type + line; // an inline command
            return inline.trim().split(" ", 2)[0].toUpperCase(Locale.ROOT);
        }
        String name = null;
        int count = Integer.parseInt(line);
        for (int i = 0; i < count; i++) {
            read(in, raw); // '$'
            byte[] bulk = bulk(in, raw, Integer.parseInt(line(in, raw)));
            if (name == null) {
                name = new String(bulk, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            }
        }
        return name == null ? "" : name;
    }

    /** Reads one value, copying its bytes; returns its type byte (an attribute is read with the value it precedes). */
    static int value(DataInputStream in, ByteArrayOutputStream raw) throws IOException {
        int type = read(in, raw);
        String line = line(in, raw);
        switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
            }
            case '$', '!', '=' -> bulk(in, raw, Integer.parseInt(line));
            case '*', '~', '>' -> {
                for (int i = Integer.parseInt(line); i > 0; i--) {
                    value(in, raw);
                }
            }
            case '%', '|' -> {
                for (int i = 2 * Integer.parseInt(line); i > 0; i--) {
                    value(in, raw);
                }
                if (type == '|') {
                    return value(in, raw);
                }
            }
            default -> throw new IOException("not RESP: " + (char) type);
        }
        return type;
    }

    private static byte[] bulk(DataInputStream in, ByteArrayOutputStream raw, int length) throws IOException {
        if (length < 0) {
            return new byte[0];
        }
        byte[] data = new byte[length + 2];
        in.readFully(data);
        raw.write(data);
        return Arrays.copyOf(data, length);
    }

    private static int read(InputStream in, ByteArrayOutputStream raw) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        raw.write(b);
        return b;
    }

    private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = read(in, raw)) != '\r') {
            line.append((char) b);
        }
        read(in, raw); // '\n'
        return line.toString();
    }
}
