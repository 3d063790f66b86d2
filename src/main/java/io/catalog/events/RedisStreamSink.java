package io.catalog.events;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Appends events to the Redis stream {@code catalog.events.stream} (field {@code event}), trimmed approximately
 * to {@code catalog.events.stream-max-length}. One Lua call per batch appends each event unless its sequence
 * was appended before (a marker key per sequence, kept for a day), so the relays of several pods and retries
 * after a failure do not append an event twice. In cluster mode, give the stream key a hash tag (for example
 * {@code {catalog}:events}) so that the markers live in its slot.
 */
@ApplicationScoped
public class RedisStreamSink implements EventSink {

    static final String APPEND = """
            local appended = 0
            for i = 3, #ARGV, 2 do
              if redis.call('SET', KEYS[1] .. ':published:' .. ARGV[i], '1', 'NX', 'EX', ARGV[2]) then
                redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i + 1])
                appended = appended + 1
              end
            end
            return appended
            """;
    static final String DEDUPLICATION_SECONDS = "86400";

    private final ReactiveRedisDataSource redis;
    private final String stream;
    private final String maxLength;

    public RedisStreamSink(ReactiveRedisDataSource redis, CatalogConfig config) {
        this.redis = redis;
        this.stream = config.events().stream();
        this.maxLength = Long.toString(config.events().streamMaxLength());
    }

    @Override
    public Uni<Void> publish(List<OutboundEvent> events) {
        List<String> args = new ArrayList<>(List.of("EVAL", APPEND, "1", stream, maxLength, DEDUPLICATION_SECONDS));
        for (OutboundEvent e : events) {
            args.add(Long.toString(e.event().sequence()));
            args.add(e.json());
        }
        return redis.execute(args.get(0), args.subList(1, args.size()).toArray(String[]::new)).replaceWithVoid();
    }
}
