package io.catalog.events;

/**
 * Where a publish left its events in the stream: what a writer waits for the other pods to apply ({@link PodAcks}).
 *
 * @param entryId the newest stream entry id of the events (appended now, or earlier by a retry or another relay)
 * @param acksAtAppend the newest id of the acks stream when that entry was appended (read in the same atomic step),
 *        or {@code null} when not known (an entry appended by an older version)
 */
public record Appended(String entryId, String acksAtAppend) {
}
