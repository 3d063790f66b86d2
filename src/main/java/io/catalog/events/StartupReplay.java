package io.catalog.events;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.events.FeedPosition.StreamState;
import io.catalog.events.RedisIdentity.Identity;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;

/**
 * Where a starting pod begins to read the stream, and what it can vouch for from the first request on.
 * <p>
 * A pod that starts has no floor for what changed before it, and an eventually consistent read (a replica that lags, DAX's
 * item cache after a write that bypassed it) would hand it the older version to cache, with no event left to correct
 * it. So, before the HTTP server takes requests, it reads the stream backwards from its newest entry and raises the
 * floors of the events of the last {@link CacheCoherence#FLOOR_RETENTION} ({@link CacheCoherence#remember}: nothing
 * goes into L1), at most {@link #REPLAY} of them and at most an eighth of the floors this pod may keep. The feed then
 * reads on from that entry.
 * <p>
 * What the replay could not reach, it cannot vouch for: the writes before the oldest event it raised a floor for when
 * it stopped at its bound, before the stream's first entry when the stream was trimmed, and before the current Redis
 * incarnation ({@link RedisIdentity}: a restart with empty data or a failover loses entries). The pod's floors hold every
 * write since the latest of those points ({@link CacheCoherence#covered}); until the eventual lag has passed since it,
 * the keys without a floor are read strongly consistent ({@link CacheCoherence#eventualReadsSafe}).
 */
@ApplicationScoped
public class StartupReplay {

    private static final Logger LOG = Logger.getLogger(StartupReplay.class);
    /** The most events before its start whose floors a starting pod raises. */
    static final int REPLAY = 10_000;
    static final int CHUNK = 1_000;

    /** Where the feed starts, and from when (this pod's ticker) its floors hold every write. */
    public record Start(FeedPosition position, long coveredSince) {
    }

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final RedisIdentity identity;
    private final CacheCoherence coherence;
    private final Json json;

    public StartupReplay(RedisDataSource redis, RedisIdentity identity, CacheCoherence coherence, Json json) {
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.identity = identity;
        this.coherence = coherence;
        this.json = json;
    }

    /** Replays stream {@code key}: the floors of its recent events raised. Redis failures propagate. */
    public Start run(String key) {
        Identity incarnation = identity.check();
        long localNow = coherence.feedClock();
        StreamState state = StreamInfo.read(redis, key);
        if (state == null) {
            LOG.infof("Feed starts on an empty stream %s", key);
            return new Start(new FeedPosition(FeedPosition.START, 0), local(incarnation.sinceMillis(), incarnation, localNow));
        }
        long most = Math.max(1, Math.min(REPLAY, coherence.floors().maximumSize() / 8));
        long oldestKept = incarnation.redisMillis() - CacheCoherence.FLOOR_RETENTION.toMillis();
        long cut = Long.MIN_VALUE;
        int remembered = 0;
        int unreadable = 0;
        String upper = state.lastGeneratedId();
        boolean done = false;
        while (!done) {
            // XREVRANGE takes the higher bound first; "(" makes it exclusive
            List<StreamMessage<String, String, String>> chunk = streams.xrevrange(key, StreamRange.of(upper, "-"),
                    (int) Math.min(CHUNK, most - remembered - unreadable));
            for (StreamMessage<String, String, String> message : chunk) {
                if (remembered + unreadable == 0) {
                    startAfter(message); // the stream's newest entry: where the feed starts
                }
                long millis = FeedPosition.millis(message.id());
                if (millis < oldestKept) {
                    // every event of the retention was replayed; what is older is older than any replica lags
                    cut = Long.MIN_VALUE;
                    done = true;
                    break;
                }
                if (remember(message)) {
                    remembered++;
                } else {
                    unreadable++;
                }
                cut = millis;
            }
            if (chunk.isEmpty() || done) {
                // the stream's first entry, or older than the retention: the rest is older still
                done = true;
                if (chunk.isEmpty() && state.entriesAdded() <= state.length()) {
                    cut = Long.MIN_VALUE; // never trimmed: it holds every event of this incarnation
                }
            } else if (remembered + unreadable >= most) {
                done = true; // the bound: writes before the oldest event replayed are not vouched for
            } else {
                upper = "(" + chunk.get(chunk.size() - 1).id();
            }
        }
        long from = Math.max(incarnation.sinceMillis(), cut);
        LOG.infof("Feed starts after entry %s; floors of the %d events of the last %s before it raised (%d without"
                + " one); writes vouched for since %d ms ago", state.lastGeneratedId(), remembered,
                CacheCoherence.FLOOR_RETENTION, unreadable, incarnation.redisMillis() - from);
        return new Start(new FeedPosition(state.lastGeneratedId(), state.entriesAdded()), local(from, incarnation, localNow));
    }

    private void startAfter(StreamMessage<String, String, String> newest) {
        ProductUpdated event = FeedEntry.decode(newest, json).event();
        if (event != null) {
            coherence.feedStartsAfter(event.sequence());
        }
    }

    /** Raises the floors of an entry's event; {@code false} when it has none (no event, or one this version cannot read). */
    private boolean remember(StreamMessage<String, String, String> message) {
        FeedEntry entry = FeedEntry.decode(message, json);
        if (entry.event() == null) {
            return false;
        }
        coherence.remember(entry.event());
        return true;
    }

    /** A time of Redis' clock on this pod's ticker (both clocks advance alike; no clock of another machine is read). */
    private static long local(long redisMillis, Identity incarnation, long localNow) {
        long ago = Math.max(0, incarnation.redisMillis() - redisMillis);
        return localNow - TimeUnit.MILLISECONDS.toNanos(Math.min(ago, TimeUnit.DAYS.toMillis(1)));
    }
}
