package io.catalog.events;

/**
 * This pod's feed skipped entries it could not read (a trim past it, a new Redis incarnation): what it announced to its own
 * listeners ({@link Applied}) misses changes, so a live stream fed by them tells its client to start over.
 *
 * @param reason what happened, for logs
 */
public record FeedGap(String reason) {
}
