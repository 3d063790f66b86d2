package io.catalog.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starts the local stack without Quarkus and checks that both servers behave as tests expect. */
class LocalStackSmokeTest {

    private static RedisServer redis;
    private static Dynalite dynalite;

    @BeforeAll
    static void startServers() {
        redis = RedisServer.start();
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void stopServers() {
        if (redis != null) {
            redis.stop();
        }
        if (dynalite != null) {
            dynalite.stop();
        }
    }

    @Test
    void redisAnswersPingAndCommands() {
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
        assertThat(redis.ping()).isTrue();
        assertThat(redis.command("PING")).isEqualTo("+PONG\r\n");
        assertThat(redis.command("XADD", "catalog:events", "*", "type", "smoke")).startsWith("$");
        assertThat(redis.command("XLEN", "catalog:events")).isEqualTo(":1\r\n");
        assertThat(redis.command("CLIENT", "KILL", "TYPE", "normal")).startsWith(":");
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK\r\n");
    }

    @Test
    void redisComesBackEmptyOnTheSamePortAfterACrash() {
        int port = redis.port();
        redis.command("SET", "smoke:key", "value");
        assertThat(redis.command("GET", "smoke:key")).isEqualTo("$5\r\nvalue\r\n");

        redis.kill();
        assertThat(redis.isRunning()).isFalse();
        assertThat(redis.ping()).isFalse();

        redis.restart();
        assertThat(redis.port()).isEqualTo(port);
        assertThat(redis.ping()).isTrue();
        assertThat(redis.command("GET", "smoke:key")).isEqualTo("$-1\r\n");
        assertThat(redis.command("DBSIZE")).isEqualTo(":0\r\n");
    }

    @Test
    void dynaliteAnswersListTables() {
        assertThat(dynalite.endpoint()).isEqualTo("http://127.0.0.1:" + dynalite.port());
        HttpResponse<String> response = dynalite.call("ListTables", "{}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"TableNames\"");
    }
}
