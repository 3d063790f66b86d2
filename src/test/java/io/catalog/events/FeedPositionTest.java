package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.catalog.events.FeedPosition.StreamState;

class FeedPositionTest {

    @Test
    void aRedisRestartIsAGapAndTheNewStreamIsReadFromItsStart() {
        FeedPosition position = new FeedPosition("1700000000000-3", 10);
        assertThat(position.observeRunId("run-1")).isFalse();
        assertThat(position.observeRunId("run-1")).isFalse();

        assertThat(position.observeRunId("run-2")).isTrue();
        assertThat(position.lastId()).isEqualTo(FeedPosition.START);
        assertThat(position.added()).isZero();
    }

    @Test
    void trimmingWhatWasAlreadyReadIsNoGap() {
        FeedPosition position = new FeedPosition("100-0", 40);
        position.advance("250-7", 10);
        assertThat(position.added()).isEqualTo(50);

        // 100 entries ever added, 60 kept: the 40 removed were all read before the read that started at 100-0
        assertThat(position.observe(new StreamState(100, 60, "300-0", "0-0"), "100-0", 40)).isFalse();
        assertThat(position.lastId()).isEqualTo("250-7");
        // the stream's newest entry is the position: the count is taken over from Redis
        position.advance("300-0", 50);
        assertThat(position.observe(new StreamState(101, 60, "300-0", "0-0"), "250-7", 50)).isFalse();
        assertThat(position.added()).isEqualTo(101);
    }

    /**
     * A read that returned as many entries as it asked for, the last of them the stream's newest: the pod read to the
     * end and acknowledges now, not after its next read's block timeout.
     */
    @Test
    void aFullReadThatEndsAtTheNewestEntryIsAtTheEnd() {
        FeedPosition position = new FeedPosition("100-0", 40);
        position.advance("200-0", 500);
        assertThat(position.observe(new StreamState(540, 540, "200-0", "0-0"), "100-0", 40)).isFalse();
        assertThat(position.atEnd()).isTrue();

        position.advance("300-0", 500);
        assertThat(position.observe(new StreamState(1_100, 1_100, "400-0", "0-0"), "200-0", 540)).isFalse();
        assertThat(position.atEnd()).as("60 entries after the position").isFalse();

        // the stream is gone (or XINFO failed): a full read may have been cut off, so it is not the end
        position.advance("500-0", 500);
        position.observe(null, "300-0", 1_040);
        assertThat(position.atEnd()).isFalse();
    }

    @Test
    void aTrimPastThePositionIsAGapEvenThoughNothingRecordsIt() {
        FeedPosition position = new FeedPosition("100-0", 40);
        position.advance("120-0", 5);

        // XADD MAXLEN ~ leaves max-deleted-entry-id at 0-0: only the counts tell that 41 were removed
        assertThat(position.observe(new StreamState(1_100, 1_059, "900-0", "0-0"), "100-0", 40)).isTrue();
        assertThat(position.lastId()).as("moved to the newest entry").isEqualTo("900-0");
        assertThat(position.added()).isEqualTo(1_100);
        assertThat(position.observe(new StreamState(1_100, 1_059, "900-0", "0-0"), "900-0", 1_100)).isFalse();
    }

    @Test
    void aDeletionPastThePositionIsAGap() {
        FeedPosition position = new FeedPosition("100-0", 40);

        assertThat(position.observe(new StreamState(50, 49, "150-0", "100-1"), "100-0", 40)).isTrue();
        assertThat(position.lastId()).isEqualTo("150-0");
    }

    @Test
    void aStreamCreatedAgainOrGoneIsAGap() {
        FeedPosition position = new FeedPosition("100-0", 40);
        assertThat(position.observe(new StreamState(3, 3, "500-0", "0-0"), "100-0", 40))
                .as("fewer entries ever added than this pod had read: a new stream").isTrue();

        FeedPosition gone = new FeedPosition("100-0", 40);
        assertThat(gone.observe(null, "100-0", 40)).isTrue();
        assertThat(gone.lastId()).isEqualTo(FeedPosition.START);
        assertThat(gone.observe(null, FeedPosition.START, 0)).as("still missing: nothing more was lost").isFalse();
    }

    @Test
    void aPodAtTheStartOfATrimmedStreamHasAGapAndOfAnUntrimmedOneNot() {
        assertThat(new FeedPosition(FeedPosition.START, 0).observe(new StreamState(5, 5, "50-0", "0-0"),
                FeedPosition.START, 0)).isFalse();
        assertThat(new FeedPosition(FeedPosition.START, 0).observe(new StreamState(8, 5, "50-0", "0-0"),
                FeedPosition.START, 0)).isTrue();
    }

    @Test
    void aRedisThatDoesNotCountTellsDeletionsOnly() {
        FeedPosition position = new FeedPosition("100-0", 40);
        assertThat(position.observe(new StreamState(-1, 10, "150-0", "0-0"), "100-0", 40)).isFalse();
        assertThat(position.observe(new StreamState(-1, 10, "150-0", "120-0"), "100-0", 40)).isTrue();
    }

    @Test
    void streamIdsCompareNumericallyNotAsText() {
        assertThat(FeedPosition.compare("9-0", "10-0")).isNegative();
        assertThat(FeedPosition.compare("10-2", "10-10")).isNegative();
        assertThat(FeedPosition.compare("10-0", "10")).isZero();
    }

    @Test
    void anEntryIdsTimeIsItsMillisecondPart() {
        assertThat(new FeedEntry("1700000000123-7", null, null, null, null, 0).appendedAtMillis())
                .isEqualTo(1_700_000_000_123L);
        assertThat(new FeedEntry("42", null, null, null, null, 0).appendedAtMillis()).isEqualTo(42L);
        // an id that is not a time never makes a negative delay
        assertThat(new FeedEntry("x-1", null, null, null, null, 0).appendedAtMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEntrysAppendTimeIsItsMicrosecondsWhereItHoldsThemElseItsIdsMilliseconds() {
        assertThat(new FeedEntry("1700000000123-7", null, null, null, null, 1_700_000_000_123_456L).appendedAtMicros())
                .isEqualTo(1_700_000_000_123_456L);
        // an entry appended by an older version has no 'at'
        assertThat(new FeedEntry("1700000000123-7", null, null, null, null, 0).appendedAtMicros())
                .isEqualTo(1_700_000_000_123_000L);
        assertThat(new FeedEntry("x-1", null, null, null, null, 0).appendedAtMicros()).isEqualTo(Long.MAX_VALUE);
    }
}
