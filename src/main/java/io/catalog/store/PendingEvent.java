package io.catalog.store;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An event held on its product's item until a relay confirms it published: the outbox entry.
 *
 * @param sequence the event's global sequence
 * @param json the event document, exactly as it is published
 */
public record PendingEvent(long sequence, String json) {

    /** Reads the outbox map attribute ({@code sequence -> json}), oldest first. */
    static List<PendingEvent> from(Map<String, AttributeValue> outbox) {
        return outbox.entrySet().stream()
                .map(e -> new PendingEvent(Long.parseLong(e.getKey()), e.getValue().s()))
                .sorted(Comparator.comparingLong(PendingEvent::sequence))
                .toList();
    }

    static AttributeValue toAttribute(List<PendingEvent> events) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        events.forEach(e -> map.put(Long.toString(e.sequence()), AttributeValue.fromS(e.json())));
        return AttributeValue.fromM(map);
    }
}
