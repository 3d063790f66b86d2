package io.catalog.support;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * What went wrong with a Redis command, told by the error's code or the exception's type, never by searching its
 * text. Redis answers an error with a code as the first word ({@code NOGROUP}, {@code LOADING}, {@code READONLY},
 * {@code MOVED}…); the Vert.x client hands that reply on as the failure (wrapped by the blocking data source), and
 * reports a connection that went away as the code {@code CONNECTION_CLOSED}. Connection failures are
 * {@link IOException}s (a {@link ConnectException} when connecting), and a command that got no answer in time is a
 * timeout.
 *
 * @param kind what sort of failure it is
 * @param code the Redis error code of a {@link Kind#REPLY} or {@link Kind#CONNECTION} reply, else {@code null}
 * @param detail the failure as text, for logs only
 */
public record RedisFailure(Kind kind, String code, String detail) {

    /** The sorts of failure. */
    public enum Kind {
        /** Redis answered with an error. */
        REPLY,
        /** The connection could not be made or was lost. */
        CONNECTION,
        /** No answer in time. */
        TIMEOUT,
        /** The waiting thread was interrupted (the application is stopping). */
        INTERRUPTED,
        /** Anything else: most likely a bug. */
        OTHER
    }

    /** Codes that a healthy deployment shows during a restart, a failover or a resharding; they pass by themselves. */
    static final Set<String> PASSING = Set.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN", "READONLY",
            "MOVED", "ASK", "NOGROUP");

    private static final int MAX_CAUSES = 16;

    /** The first recognisable failure in {@code failure}'s chain of causes. */
    public static RedisFailure of(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof Response reply && reply.type() == ResponseType.ERROR) {
                return reply(String.valueOf(reply));
            }
            if (t instanceof IOException) {
                return new RedisFailure(Kind.CONNECTION, null, t.toString());
            }
            if (t instanceof TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException) {
                return new RedisFailure(Kind.TIMEOUT, null, t.toString());
            }
            if (t instanceof InterruptedException) {
                return new RedisFailure(Kind.INTERRUPTED, null, t.toString());
            }
        }
        return new RedisFailure(Kind.OTHER, null, String.valueOf(failure));
    }

    private static RedisFailure reply(String text) {
        int space = text.indexOf(' ');
        String code = space < 0 ? text : text.substring(0, space);
        Kind kind = "CONNECTION_CLOSED".equals(code) ? Kind.CONNECTION : Kind.REPLY;
        return new RedisFailure(kind, code, text);
    }

    /** Whether Redis answered with this error code. */
    public boolean is(String errorCode) {
        return errorCode.equals(code);
    }

    /**
     * Whether this failure is one a deployment shows while it heals (a lost connection, a timeout, a Redis loading
     * its data or failing over, a consumer group lost with Redis' data): worth a retry with backoff, not a warning.
     */
    public boolean passing() {
        return kind == Kind.CONNECTION || kind == Kind.TIMEOUT || kind == Kind.INTERRUPTED
                || kind == Kind.REPLY && PASSING.contains(code);
    }

    /** A short, bounded name of the failure for metrics: the error code, or the kind. */
    public String tag() {
        return kind == Kind.REPLY && code.length() <= 20 && code.chars().allMatch(c -> c == '_' || c >= 'A' && c <= 'Z')
                ? code
                : kind.name().toLowerCase();
    }
}
