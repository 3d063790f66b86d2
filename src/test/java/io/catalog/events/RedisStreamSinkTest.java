package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The markers of the stream-append script live in the stream's hash slot, whatever the stream is called. */
class RedisStreamSinkTest {

    @Test
    void aHashTaggedStreamLendsItsTagToTheMarkers() {
        assertThat(RedisStreamSink.markerPrefix("{catalog}:events")).isEqualTo("{catalog}:published:");
        assertThat(RedisStreamSink.markerPrefix("prod:{catalog}:events")).isEqualTo("{catalog}:published:");
    }

    @Test
    void aStreamWithoutATagBecomesTheMarkersTag() {
        assertThat(RedisStreamSink.markerPrefix("catalog:events")).isEqualTo("{catalog:events}:published:");
        assertThat(RedisStreamSink.markerPrefix("odd{}name")).isEqualTo("{odd{}name}:published:");
    }
}
