package io.catalog.events;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.events.RedisIdentity.Identity;
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
 * The append happens only in the Redis incarnation whose L2 key space the writer used ({@link RedisIdentity#current}):
 * the markers (or documents) and summary changes that must precede the event went to that key space, and a pod that
 * has moved to a newer incarnation would not see them. After a restart with empty data, a failover, or a failback to
 * the same master, a writer that has not checked Redis' identity since fails its publish (the script finds another
 * {@code run_id}, or the incarnation key rewritten), checks it at once, and its retry writes the markers again where
 * readers look. A failover of a Redis Cluster shard other than the stream's (the cluster epoch moves, the stream's
 * master does not) is not caught here: pods that applied the event hold a floor for it, and the writer waits for them.
 * <p>
 * The script declares every key it touches (the stream and each marker), and the markers share the stream's hash
 * slot, as Redis Cluster requires: {@link #markerPrefix} derives them from the stream's hash tag
 * ({@code {catalog}:events} gives {@code {catalog}:published:<seq>}), or, for a name without one, makes the whole
 * name their tag ({@code catalog:events} gives {@code {catalog:events}:published:<seq>}, which hashes exactly as
 * {@code catalog:events} does).
 */
@ApplicationScoped
public class RedisStreamSink implements EventSink {

    /**
     * KEYS[1] the stream, KEYS[2] the acks stream, KEYS[3] the incarnation key, KEYS[4..] the events' markers;
     * ARGV[1] the stream's length, ARGV[2] the markers' life in seconds, ARGV[3] the incarnation the append must find
     * ({@code run_id|since}, '' for any), then each event's JSON, then each event's summaries ('' for none). Answers,
     * per event, {@code <entry id>|<newest acks id when it was appended>}: appended now, or what its marker holds; an
     * error {@code INCARNATION <run_id>}, and nothing appended, when Redis is another incarnation.
     */
    static final String APPEND = LuaScripts.load("stream-append");
    static final String DEDUPLICATION_SECONDS = "86400";
    private static final Pattern ENTRY_ID = Pattern.compile("\\d+-\\d+");

    private final ReactiveRedisDataSource redis;
    private final String stream;
    private final String maxLength;
    private final String markers;
    private final String acks;
    private final String incarnationKey;
    private final RedisIdentity identity;
    private final L2Cache l2;

    public RedisStreamSink(ReactiveRedisDataSource redis, CatalogConfig config, RedisIdentity identity, L2Cache l2) {
        this.redis = redis;
        this.identity = identity;
        this.l2 = l2;
        this.stream = config.events().stream();
        this.maxLength = Long.toString(config.events().streamMaxLength());
        this.markers = markerPrefix(stream);
        this.acks = PodAcks.acksStream(stream);
        this.incarnationKey = RedisIdentity.incarnationKey(stream);
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
        return append(events, incarnation()).replaceWithVoid();
    }

    /**
     * The incarnation whose key space L2 uses now ({@link Identity#token()}), taken by a publish before it writes its
     * markers and checked by its {@link #append}: {@code ""} when L2 is not used (nothing to check), {@code null} while
     * the incarnation is not known (the append fails).
     */
    public String incarnation() {
        if (!l2.enabled()) {
            return "";
        }
        Identity current = identity.current();
        return current == null ? null : current.token();
    }

    /**
     * Appends the events not appended before, and answers where the newest of them is in the stream (appended now or
     * before), or {@code null} when that is not known (markers of an older version). Fails, appending nothing, unless
     * Redis is still the incarnation {@code startedIn} ({@link #incarnation()} before the publish wrote its markers).
     */
    public Uni<Appended> append(List<OutboundEvent> events, String startedIn) {
        if (startedIn == null) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "the Redis incarnation is not known yet: the events' L2 markers were not written"));
        }
        List<String> args = new ArrayList<>(
                List.of(APPEND, Integer.toString(events.size() + 3), stream, acks, incarnationKey));
        events.forEach(e -> args.add(markers + e.event().sequence()));
        args.add(maxLength);
        args.add(DEDUPLICATION_SECONDS);
        args.add(startedIn);
        events.forEach(e -> args.add(e.json()));
        events.forEach(e -> args.add(e.summaries() == null ? "" : e.summaries()));
        return redis.execute("EVAL", args.toArray(String[]::new)).map(RedisStreamSink::newest)
                // Redis is another incarnation than this pod's L2 knows: learn it now (the feed would within a
                // second), so that the publish's retry writes its markers where readers look
                .onFailure(RedisStreamSink::anotherIncarnation).call(this::learnIncarnation);
    }

    static boolean anotherIncarnation(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("INCARNATION");
    }

    private Uni<Void> learnIncarnation() {
        return identity.checkedNow().onFailure().recoverWithNull().replaceWithVoid();
    }

    static Appended newest(Response ids) {
        Appended newest = null;
        for (Response id : ids) {
            String value = id == null ? null : id.toString();
            if (value == null) {
                continue;
            }
            int bar = value.indexOf('|');
            String entry = bar < 0 ? value : value.substring(0, bar);
            String acksAtAppend = bar < 0 ? null : value.substring(bar + 1);
            if (ENTRY_ID.matcher(entry).matches() && (acksAtAppend == null || ENTRY_ID.matcher(acksAtAppend).matches())
                    && (newest == null || FeedPosition.compare(entry, newest.entryId()) > 0)) {
                newest = new Appended(entry, acksAtAppend);
            }
        }
        return newest;
    }
}
