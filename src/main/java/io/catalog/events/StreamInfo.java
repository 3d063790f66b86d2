package io.catalog.events;

import io.catalog.events.FeedPosition.StreamState;
import io.catalog.support.LuaScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * What Redis says of a stream ({@code XINFO STREAM}, through a script so that only four small fields travel, not the
 * first and last entries): how many entries it ever received and holds, its newest id and the newest id deleted. The
 * feed reads it after each read to tell a trim that skipped entries it had not read ({@link FeedPosition#observe}).
 */
final class StreamInfo {

    /** KEYS[1] the stream: {entries-added, length, last-generated-id, max-deleted-entry-id}, or {} when missing. */
    static final String SCRIPT = LuaScripts.load("stream-info");
    /** The state, as {@link #SCRIPT}, and the pod's acknowledgement unless the state shows a gap (the file says how). */
    static final String ROUND_END = LuaScripts.load("feed-round-end");

    /**
     * The end of a feed round: the stream's state after the read, and the id of the acknowledgement sent with it.
     *
     * @param state as {@link #read}; {@code null} when the stream does not exist
     * @param acknowledged the acknowledgement's id in the acks stream, or {@code null} when none was sent: the state
     *        shows a gap or cannot tell, or the read left entries to read
     */
    record RoundEnd(StreamState state, String acknowledged) {
    }

    private StreamInfo() {
    }

    /** The state of {@code stream}, or {@code null} when it does not exist. Redis failures propagate. */
    static StreamState read(RedisDataSource redis, String stream) {
        return state(redis.execute("EVAL", SCRIPT, "1", stream));
    }

    /** As {@link #read}, without blocking. */
    static Uni<StreamState> read(ReactiveRedisDataSource redis, String stream) {
        return redis.execute("EVAL", SCRIPT, "1", stream).map(StreamInfo::state);
    }

    /**
     * Reads the state of {@code stream} and, in the same script, acknowledges {@code position} on {@code acks} for
     * {@code pod} unless the state shows that entries not read before {@code before} (with {@code addedBefore}
     * entries received up to it) were removed; with {@code always} false, only if the position is the stream's
     * newest entry. One round trip where the state and the acknowledgement took two. Redis failures propagate.
     */
    static Uni<RoundEnd> endRound(ReactiveRedisDataSource redis, String stream, String acks, String before,
            long addedBefore, String position, boolean always, String pod, long maxLength) {
        return redis.execute("EVAL", ROUND_END, "2", stream, acks, before, Long.toString(addedBefore), position,
                always ? "1" : "0", pod, Long.toString(maxLength)).map(StreamInfo::roundEnd);
    }

    private static RoundEnd roundEnd(Response answer) {
        StreamState state = state(answer);
        String acknowledged = state == null || answer.size() < 5 ? "" : answer.get(4).toString();
        return new RoundEnd(state, acknowledged.isEmpty() ? null : acknowledged);
    }

    private static StreamState state(Response answer) {
        if (answer == null || answer.size() < 4) {
            return null;
        }
        return new StreamState(answer.get(0).toLong(), answer.get(1).toLong(), answer.get(2).toString(),
                answer.get(3).toString());
    }
}
