package io.catalog.events;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Appends events to the Redis stream {@code catalog.events.stream} (field {@code event}, exactly API.md's document,
 * and {@code summaries}, the category summaries after the event, when Redis maintains them), trimmed approximately
 * to {@code catalog.events.stream-max-length}. One Lua call per batch appends each event unless its sequence
 * was appended before (a marker key per sequence, kept for a day), so the relays of several pods and retries
 * after a failure do not append an event twice.
 * <p>
 * The script declares every key it touches (the stream and each marker), and the markers share the stream's hash
 * slot, as Redis Cluster requires: {@link #markerPrefix} derives them from the stream's hash tag
 * ({@code {catalog}:events} gives {@code {catalog}:published:<seq>}), or, for a name without one, makes the whole
 * name their tag ({@code catalog:events} gives {@code {catalog:events}:published:<seq>}, which hashes exactly as
 * {@code catalog:events} does).
 */
@ApplicationScoped
public class RedisStreamSink implements EventSink {

    static final String APPEND = """
            local appended, n = 0, #KEYS - 1
            for i = 2, #KEYS do
              if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[2]) then
                local summaries = ARGV[i + 1 + n]
                if summaries == '' then
                  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i + 1])
                else
                  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i + 1],
                    'summaries', summaries)
                end
                appended = appended + 1
              end
            end
            return appended
            """;
    static final String DEDUPLICATION_SECONDS = "86400";

    private final ReactiveRedisDataSource redis;
    private final String stream;
    private final String maxLength;
    private final String markers;

    public RedisStreamSink(ReactiveRedisDataSource redis, CatalogConfig config) {
        this.redis = redis;
        this.stream = config.events().stream();
        this.maxLength = Long.toString(config.events().streamMaxLength());
        this.markers = markerPrefix(stream);
    }

    /** The prefix of the stream's per-sequence markers, in the stream's hash slot. */
    static String markerPrefix(String stream) {
        int open = stream.indexOf('{');
        int close = open < 0 ? -1 : stream.indexOf('}', open + 1);
        String tag = close > open + 1 ? stream.substring(open, close + 1) : "{" + stream + "}";
        return tag + ":published:";
    }

    @Override
    public Uni<Void> publish(List<OutboundEvent> events) {
        List<String> args = new ArrayList<>(List.of(APPEND, Integer.toString(events.size() + 1), stream));
        events.forEach(e -> args.add(markers + e.event().sequence()));
        args.add(maxLength);
        args.add(DEDUPLICATION_SECONDS);
        events.forEach(e -> args.add(e.json()));
        events.forEach(e -> args.add(e.summaries() == null ? "" : e.summaries()));
        return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
    }
}
