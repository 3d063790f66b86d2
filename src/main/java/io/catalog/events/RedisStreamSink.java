package io.catalog.events;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Appends events to the Redis stream {@code catalog.events.stream} (field {@code event}, exactly API.md's document,
 * and {@code summaries}, the category summaries after the event, when Redis maintains them), trimmed approximately
 * to {@code catalog.events.stream-max-length}. One Lua call per batch appends each event unless its sequence
 * was appended before (a marker key per sequence, kept for a day), so the relays of several pods and retries
 * after a failure do not append an event twice.
 * <p>
 * The script answers the stream entry id of each event: the one it appended, or, for an event appended before, the
 * id its marker holds (a marker written by an older version holds {@code 1} instead, which is no id and is skipped),
 * so that a writer can wait for the other pods to have applied its event ({@link PodAcks}).
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
            local ids, n = {}, #KEYS - 1
            for i = 2, #KEYS do
              local id = redis.call('GET', KEYS[i])
              if not id then
                local summaries = ARGV[i + 1 + n]
                if summaries == '' then
                  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i + 1])
                else
                  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[i + 1],
                    'summaries', summaries)
                end
                redis.call('SET', KEYS[i], id, 'EX', ARGV[2])
              end
              ids[i - 1] = id
            end
            return ids
            """;
    static final String DEDUPLICATION_SECONDS = "86400";
    private static final Pattern ENTRY_ID = Pattern.compile("\\d+-\\d+");

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
        return hashTag(stream) + ":published:";
    }

    /** The stream's hash tag ({@code {catalog}} of {@code {catalog}:events}), or its whole name made one. */
    static String hashTag(String stream) {
        int open = stream.indexOf('{');
        int close = open < 0 ? -1 : stream.indexOf('}', open + 1);
        return close > open + 1 ? stream.substring(open, close + 1) : "{" + stream + "}";
    }

    @Override
    public Uni<Void> publish(List<OutboundEvent> events) {
        return append(events).replaceWithVoid();
    }

    /**
     * Appends the events not appended before, and answers the newest stream entry id among all of theirs (appended
     * now or before), or {@code null} when none is known (markers of an older version).
     */
    public Uni<String> append(List<OutboundEvent> events) {
        List<String> args = new ArrayList<>(List.of(APPEND, Integer.toString(events.size() + 1), stream));
        events.forEach(e -> args.add(markers + e.event().sequence()));
        args.add(maxLength);
        args.add(DEDUPLICATION_SECONDS);
        events.forEach(e -> args.add(e.json()));
        events.forEach(e -> args.add(e.summaries() == null ? "" : e.summaries()));
        return redis.execute("EVAL", args.toArray(String[]::new)).map(RedisStreamSink::newest);
    }

    static String newest(Response ids) {
        String newest = null;
        for (Response id : ids) {
            String value = id == null ? null : id.toString();
            if (value != null && ENTRY_ID.matcher(value).matches()
                    && (newest == null || FeedPosition.compare(value, newest) > 0)) {
                newest = value;
            }
        }
        return newest;
    }
}
