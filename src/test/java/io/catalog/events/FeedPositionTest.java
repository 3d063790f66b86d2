package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeedPositionTest {

    @Test
    void aRedisRestartIsAGapAndTheNewStreamIsReadFromItsStart() {
        FeedPosition position = new FeedPosition("1700000000000-3");
        assertThat(position.observeRunId("run-1")).isFalse();
        assertThat(position.observeRunId("run-1")).isFalse();

        assertThat(position.observeRunId("run-2")).isTrue();
        assertThat(position.lastId()).isEqualTo(FeedPosition.START);
    }

    @Test
    void trimmingWhatWasAlreadyReadIsNoGap() {
        FeedPosition position = new FeedPosition("100-0");
        position.advance("250-7");

        assertThat(position.observeMaxDeleted("250-7")).isFalse();
        assertThat(position.observeMaxDeleted("90-0")).isFalse();
        assertThat(position.observeMaxDeleted("0-0")).isFalse();
        assertThat(position.lastId()).isEqualTo("250-7");
    }

    @Test
    void trimmingPastThePositionIsAGapOnceAndMovesThePositionPastIt() {
        FeedPosition position = new FeedPosition("100-0");

        assertThat(position.observeMaxDeleted("100-1")).isTrue();
        assertThat(position.lastId()).isEqualTo("100-1");
        assertThat(position.observeMaxDeleted("100-1")).isFalse();
    }

    @Test
    void streamIdsCompareNumericallyNotAsText() {
        assertThat(FeedPosition.compare("9-0", "10-0")).isNegative();
        assertThat(FeedPosition.compare("10-2", "10-10")).isNegative();
        assertThat(FeedPosition.compare("10-0", "10")).isZero();
    }

    @Test
    void anEntryIdsTimeIsItsMillisecondPart() {
        assertThat(FeedConsumer.entryMillis("1700000000123-7")).isEqualTo(1_700_000_000_123L);
        assertThat(FeedConsumer.entryMillis("42")).isEqualTo(42L);
        // an id that is not a time never makes a negative delay
        assertThat(FeedConsumer.entryMillis("x-1")).isEqualTo(Long.MAX_VALUE);
    }
}
