package io.catalog.testing;

import java.time.Duration;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;

/** A real {@code redis-server} and the Quarkus Redis data sources on it, for tests that run without Quarkus. */
public final class RedisDataSources implements AutoCloseable {

    public final RedisServer server;
    public final Vertx vertx;
    public final ReactiveRedisDataSource reactive;
    public final RedisDataSource blocking;
    private final Redis client;

    public RedisDataSources() {
        this.server = RedisServer.start();
        this.vertx = Vertx.vertx();
        this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                .setMaxPoolSize(16).setMaxPoolWaiting(64));
        ReactiveRedisDataSourceImpl impl = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        this.reactive = impl;
        this.blocking = new BlockingRedisDataSourceImpl(impl, Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        client.close();
        vertx.closeAndAwait();
        server.stop();
    }
}
