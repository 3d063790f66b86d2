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

    private static StreamState state(Response answer) {
        if (answer == null || answer.size() < 4) {
            return null;
        }
        return new StreamState(answer.get(0).toLong(), answer.get(1).toLong(), answer.get(2).toString(),
                answer.get(3).toString());
    }
}
