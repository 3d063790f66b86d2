package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.catalog.support.RedisFailure.Kind;
import io.vertx.redis.client.impl.types.ErrorType;

/** Failures told apart by their Redis error code or exception type, as the Vert.x client and Mutiny hand them on. */
class RedisFailureTest {

    @Test
    void anErrorReplyIsKnownByItsCodeEvenWhenWrapped() {
        RedisFailure failure = RedisFailure.of(new CompletionException(ErrorType.create(
                "NOGROUP No such key 'catalog:events' or consumer group 'catalog-edge-purge' in XREADGROUP")));
        assertThat(failure.kind()).isEqualTo(Kind.REPLY);
        assertThat(failure.is("NOGROUP")).isTrue();
        assertThat(failure.is("BUSYGROUP")).isFalse();
        assertThat(failure.tag()).isEqualTo("NOGROUP");
        assertThat(failure.passing()).isTrue();
    }

    @Test
    void theTextAfterTheCodeDoesNotMakeACode() {
        RedisFailure failure = RedisFailure.of(ErrorType.create("ERR no such key, NOGROUP or LOADING"));
        assertThat(failure.is("ERR")).isTrue();
        assertThat(failure.is("NOGROUP")).isFalse();
        assertThat(failure.passing()).as("a plain ERR is not a passing state").isFalse();
    }

    @Test
    void failoverAndRestartCodesArePassing() {
        for (String reply : new String[] { "LOADING Redis is loading the dataset in memory",
                "READONLY You can't write against a read only replica.", "MOVED 3999 127.0.0.1:6381",
                "CLUSTERDOWN The cluster is down", "TRYAGAIN Multiple keys request during rehashing of slot" }) {
            RedisFailure failure = RedisFailure.of(ErrorType.create(reply));
            assertThat(failure.passing()).as(reply).isTrue();
            assertThat(failure.tag()).isEqualTo(reply.substring(0, reply.indexOf(' ')));
        }
    }

    @Test
    void connectionFailuresAreKnownByType() {
        assertThat(RedisFailure.of(ErrorType.create("CONNECTION_CLOSED")).kind()).isEqualTo(Kind.CONNECTION);
        assertThat(RedisFailure.of(new CompletionException(new ConnectException("Connection refused"))).kind())
                .isEqualTo(Kind.CONNECTION);
        assertThat(RedisFailure.of(new IOException("Connection reset by peer")).tag()).isEqualTo("connection");
        assertThat(RedisFailure.of(new io.smallrye.mutiny.TimeoutException()).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(RedisFailure.of(new CompletionException(new InterruptedException())).kind())
                .isEqualTo(Kind.INTERRUPTED);
    }

    @Test
    void anythingElseIsOtherAndNotPassing() {
        RedisFailure failure = RedisFailure.of(new IllegalStateException("LOADING is only text here"));
        assertThat(failure.kind()).isEqualTo(Kind.OTHER);
        assertThat(failure.is("LOADING")).isFalse();
        assertThat(failure.passing()).isFalse();
        assertThat(failure.tag()).isEqualTo("other");
    }
}
