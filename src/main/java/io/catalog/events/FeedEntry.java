package io.catalog.events;

import java.util.Map;

import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.quarkus.redis.datasource.stream.StreamMessage;

/**
 * One entry of the ProductUpdated stream, decoded: the only place that knows the fields {@code lua/stream-append.lua}
 * writes. Every reader of the stream (the feed, the start-up replay, the edge purge, the change history) decodes
 * entries here.
 *
 * @param id the entry's id ({@code <milliseconds>-<sequence>}, Redis' clock at the append)
 * @param event the event, or {@code null} when the entry has none or it cannot be read ({@link #unreadable()})
 * @param json the event as appended (what live pages and traces carry), or {@code null}
 * @param summaries the category summaries' states after the event, as the append wrote them, or {@code null}
 * @param acks the newest entry of the acknowledgements stream when the event was appended ({@link Appended}), or
 *        {@code null}
 * @param atMicros Redis' clock at the append in epoch microseconds, or 0 where the entry does not say (an entry
 *        appended by an older version: {@link #appendedAtMicros()} falls back to the id's milliseconds)
 */
public record FeedEntry(String id, ProductUpdated event, String json, String summaries, String acks, long atMicros) {

    static final String EVENT = "event";
    static final String SUMMARIES = "summaries";
    static final String ACKS = "acks";
    static final String AT = "at";

    /** Decodes a stream message; an event this version cannot read gives an entry without one. */
    public static FeedEntry decode(StreamMessage<String, String, String> message, Json json) {
        Map<String, String> fields = message.payload() == null ? Map.of() : message.payload();
        String payload = fields.get(EVENT);
        ProductUpdated event = null;
        if (payload != null) {
            try {
                event = json.read(payload, ProductUpdated.class);
            } catch (RuntimeException e) {
                event = null;
            }
        }
        return new FeedEntry(message.id(), event, payload, fields.get(SUMMARIES), fields.get(ACKS),
                micros(fields.get(AT)));
    }

    private static long micros(String at) {
        if (at == null) {
            return 0;
        }
        try {
            return Long.parseLong(at);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the entry holds an event this version could not read (it may have been an invalidation). */
    public boolean unreadable() {
        return json != null && event == null;
    }

    /** Redis' clock at the append, in epoch microseconds: the entry's {@code at}, else its id's milliseconds. */
    public long appendedAtMicros() {
        if (atMicros > 0) {
            return atMicros;
        }
        long millis = appendedAtMillis();
        return millis == Long.MAX_VALUE ? Long.MAX_VALUE : millis * 1000;
    }

    /** The time part of the entry's id: Redis' clock at the append, in epoch milliseconds. */
    public long appendedAtMillis() {
        try {
            return FeedPosition.millis(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
