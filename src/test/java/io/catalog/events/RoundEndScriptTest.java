package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.catalog.testing.RedisDataSources;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XTrimArgs;

/**
 * The feed round's end ({@link StreamInfo#endRound}: the stream's counts and the acknowledgement in one script) on a
 * real {@code redis-server}, on streams really trimmed and deleted from: the script acknowledges exactly when
 * {@link FeedPosition#observe} finds no gap and the round read to the end, and never where it cannot tell.
 */
class RoundEndScriptTest {

    private static final String EVENTS = "events";
    private static final String ACKS = "acks";
    private static RedisDataSources redis;
    private static StreamCommands<String, String, String> streams;

    @BeforeAll
    static void start() {
        redis = new RedisDataSources();
        streams = redis.blocking.stream(String.class, String.class, String.class);
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @BeforeEach
    void empty() {
        redis.blocking.key().del(EVENTS, ACKS);
    }

    private static List<String> append(int count, XAddArgs args) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(streams.xadd(EVENTS, args, Map.of("event", "e" + i)));
        }
        return ids;
    }

    private static List<String> append(int count) {
        return append(count, new XAddArgs());
    }

    /** A round that read from {@code before} (with {@code added} entries up to it) to {@code position}. */
    private static Round round(String before, long added, String position, int read, boolean always) {
        StreamInfo.RoundEnd end = StreamInfo
                .endRound(redis.blocking.getReactive(), EVENTS, ACKS, before, added, position, always,
                        "pod-1", 1000)
                .await().indefinitely();
        FeedPosition feed = new FeedPosition(before, added);
        feed.advance(position, read);
        boolean gap = feed.observe(end.state(), before, added);
        return new Round(end, gap, feed.atEnd());
    }

    private record Round(StreamInfo.RoundEnd end, boolean gap, boolean atEnd) {
        boolean acknowledged() {
            return end.acknowledged() != null;
        }
    }

    private static List<StreamMessage<String, String, String>> acks() {
        return streams.xrange(ACKS, StreamRange.of("-", "+"));
    }

    @Test
    void aRoundThatReadToTheEndOfAnIntactStreamIsAcknowledgedInTheSameScript() {
        List<String> ids = append(5);

        Round round = round(FeedPosition.START, 0, ids.get(4), 5, true);

        assertThat(round.gap()).isFalse();
        assertThat(round.acknowledged()).isTrue();
        assertThat(round.end().state().entriesAdded()).isEqualTo(5);
        assertThat(acks()).singleElement().satisfies(ack -> {
            assertThat(ack.id()).isEqualTo(round.end().acknowledged());
            assertThat(ack.payload()).containsEntry("pod", "pod-1").containsEntry("position", ids.get(4));
        });
    }

    @Test
    void aTrimPastThePositionIsAGapAndNothingIsAcknowledged() {
        List<String> ids = append(2);
        List<String> more = append(200, new XAddArgs().maxlen(10L).nearlyExactTrimming());

        Round round = round(ids.get(1), 2, more.get(199), 10, true);

        assertThat(round.gap()).isTrue();
        assertThat(round.acknowledged()).isFalse();
        assertThat(acks()).isEmpty();
    }

    @Test
    void trimmingOnlyWhatWasReadIsNoGap() {
        List<String> ids = append(20);
        streams.xtrim(EVENTS, new XTrimArgs().maxlen(5));

        Round round = round(ids.get(19), 20, ids.get(19), 0, true);

        assertThat(round.gap()).isFalse();
        assertThat(round.acknowledged()).isTrue();
    }

    @Test
    void aDeletionPastThePositionIsAGap() {
        List<String> ids = append(5);
        streams.xdel(EVENTS, ids.get(3));

        Round round = round(ids.get(1), 2, ids.get(4), 2, true);

        assertThat(round.gap()).isTrue();
        assertThat(round.acknowledged()).isFalse();
    }

    @Test
    void aMissingOrRecreatedStreamIsAGap() {
        List<String> ids = append(3);
        redis.blocking.key().del(EVENTS);
        assertThat(round(ids.get(2), 3, ids.get(2), 0, true)).satisfies(r -> {
            assertThat(r.end().state()).isNull();
            assertThat(r.gap()).isTrue();
            assertThat(r.acknowledged()).isFalse();
        });

        List<String> again = append(1);
        assertThat(round(ids.get(2), 3, again.get(0), 1, true)).satisfies(r -> {
            assertThat(r.gap()).isTrue();
            assertThat(r.acknowledged()).isFalse();
        });
    }

    @Test
    void aFullReadIsAcknowledgedOnlyWhenItReachedTheNewestEntry() {
        List<String> ids = append(10);

        Round halfway = round(FeedPosition.START, 0, ids.get(4), 5, false);
        assertThat(halfway.atEnd()).isFalse();
        assertThat(halfway.acknowledged()).isFalse();

        Round atTheEnd = round(ids.get(4), 5, ids.get(9), 5, false);
        assertThat(atTheEnd.atEnd()).isTrue();
        assertThat(atTheEnd.acknowledged()).isTrue();
    }

    @Test
    void aPositionWhoseCountIsNotKnownIsLeftToThePod() {
        List<String> ids = append(3);

        Round round = round(ids.get(0), -1, ids.get(2), 2, true);

        assertThat(round.gap()).isFalse();
        assertThat(round.acknowledged()).as("the script cannot tell a trim without the count").isFalse();
    }
}
