package io.catalog.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.catalog.support.LuaScripts;
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
 * so that a writer can wait for the other pods to have applied its event ({@link PodAcks}); with each, the newest id
 * of the acks stream at the append, read in the same atomic step and also kept in the entry (field {@code acks}, for
 * the edge purge): every pod that made itself known before the entry was appended is then known to a writer whose
 * listener has read that far.
 * <p>
 * The script declares every key it touches (the stream and each marker), and the markers share the stream's hash
 * slot, as Redis Cluster requires: {@link #markerPrefix} derives them from the stream's hash tag
 * ({@code {catalog}:events} gives {@code {catalog}:published:<seq>}), or, for a name without one, makes the whole
 * name their tag ({@code catalog:events} gives {@code {catalog:events}:published:<seq>}, which hashes exactly as
 * {@code catalog:events} does).
 */
@ApplicationScoped
public class RedisStreamSink implements EventSink {

    /** The stream-append script ({@code lua/stream-append.lua}, which says what it takes and answers). */
    static final String APPEND = LuaScripts.load("stream-append");
    static final String DEDUPLICATION_SECONDS = "86400";
    private static final String LATE = "late";
    private static final Pattern ENTRY_ID = Pattern.compile("\\d+-\\d+");

    private final ReactiveRedisDataSource redis;
    private final String stream;
    private final String maxLength;
    private final String markers;
    private final String acks;
    private final String highWater;

    public RedisStreamSink(ReactiveRedisDataSource redis, CatalogConfig config) {
        this.redis = redis;
        this.stream = config.events().stream();
        this.maxLength = Long.toString(config.events().streamMaxLength());
        this.markers = markerPrefix(stream);
        this.acks = PodAcks.acksStream(stream);
        this.highWater = highWaterKey(stream);
    }

    /** The key of the highest sequence appended to the stream, in the stream's hash slot. */
    static String highWaterKey(String stream) {
        return hashTag(stream) + ":published-high";
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
     * Appends, in ascending order of sequence, the events not appended before whose sequence is above the highest
     * appended (and above that of an event of the same product refused in this call), and answers where the newest
     * of them is in the stream (appended now or before) and which were refused ({@link Appending#late}).
     */
    public Uni<Appending> append(List<OutboundEvent> events) {
        return append(events, false);
    }

    /**
     * As {@link #append(List)}; with {@code late} true, the events are appended even below the highest appended (the
     * relay's last round, after its events lost the race to other pods' round after round).
     */
    public Uni<Appending> append(List<OutboundEvent> events, boolean late) {
        List<OutboundEvent> sorted = events.stream()
                .sorted(Comparator.comparingLong((OutboundEvent e) -> e.event().sequence())).toList();
        List<String> args = new ArrayList<>(List.of(APPEND, Integer.toString(sorted.size() + 3), stream, acks,
                highWater));
        sorted.forEach(e -> args.add(markers + e.event().sequence()));
        args.add(maxLength);
        args.add(DEDUPLICATION_SECONDS);
        sorted.forEach(e -> args.add(e.json()));
        sorted.forEach(e -> args.add(e.summaries() == null ? "" : e.summaries()));
        sorted.forEach(e -> args.add(Long.toString(e.event().sequence())));
        sorted.forEach(e -> args.add(e.event().productId()));
        args.add(late ? "1" : "0");
        return redis.execute("EVAL", args.toArray(String[]::new)).map(ids -> appending(sorted, ids));
    }

    static Appending appending(List<OutboundEvent> sorted, Response ids) {
        Appended newest = null;
        Set<Long> late = new HashSet<>();
        long highWater = 0;
        int i = 0;
        for (Response id : ids) {
            String value = id == null ? null : id.toString();
            long sequence = sorted.get(i++).event().sequence();
            if (value == null) {
                continue;
            }
            int bar = value.indexOf('|');
            String entry = bar < 0 ? value : value.substring(0, bar);
            String after = bar < 0 ? null : value.substring(bar + 1);
            if (entry.equals(LATE)) {
                late.add(sequence);
                highWater = Math.max(highWater, Long.parseLong(after));
            } else if (ENTRY_ID.matcher(entry).matches() && (after == null || ENTRY_ID.matcher(after).matches())
                    && (newest == null || FeedPosition.compare(entry, newest.entryId()) > 0)) {
                newest = new Appended(entry, after);
            }
        }
        return new Appending(newest, Set.copyOf(late), highWater);
    }

    /**
     * What an append did.
     *
     * @param newest where the newest of the appended events is in the stream (appended now or before), or
     *        {@code null} when none was or that is not known (markers of an older version)
     * @param late the sequences of the events not appended because a higher sequence was appended before them
     * @param highWater the highest sequence appended when they were refused (0 when none was)
     */
    public record Appending(Appended newest, Set<Long> late, long highWater) {
    }
}
