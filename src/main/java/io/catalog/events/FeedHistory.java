package io.catalog.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.smallrye.mutiny.Uni;

/**
 * What the ProductUpdated stream holds after the event a live subscriber saw last: the replay of a subscriber that
 * resumes ({@code Last-Event-ID}, the event's sequence). A subscriber receives events in the stream's order (a pod's
 * feed reads it in order), and that order is not the sequences' (two pods' relays may append a few events out of
 * order, an outbox sweep appends old ones late): so the walk goes backwards from the newest entry to the entry of that
 * very event, and replays everything appended after it that matches, whatever its sequence (a late event with a
 * lower sequence included); subscribers ignore a version they already show. The walk is bounded: a subscriber more
 * than {@code maxEntries} entries behind, or whose event the stream no longer holds (trimmed, or Redis restarted), is
 * told to start over ({@link Replay#complete()} is false).
 */
@ApplicationScoped
public class FeedHistory {

    private static final Logger LOG = Logger.getLogger(FeedHistory.class);
    static final int PAGE = 500;

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final Json json;
    private final String stream;

    /**
     * The events to replay, oldest first.
     *
     * @param complete false when what the subscriber missed is no longer (or not cheaply) in the stream
     */
    public record Replay(List<ProductUpdated> events, boolean complete) {
    }

    public FeedHistory(ReactiveRedisDataSource redis, Json json, CatalogConfig config) {
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.json = json;
        this.stream = config.events().stream();
    }

    /**
     * The events appended after the event of {@code sequence} that match {@code filter}, looking at most at {@code maxEntries}
     * entries.
     */
    public Uni<Replay> since(long sequence, Predicate<ProductUpdated> filter, int maxEntries) {
        return walk("+", sequence, filter, maxEntries, new ArrayList<>(), 0);
    }

    /** One page backwards from {@code before}: XREVRANGE takes the high bound first, as StreamRange passes it. */
    private Uni<Replay> walk(String before, long sequence, Predicate<ProductUpdated> filter, int maxEntries,
            List<ProductUpdated> found, int scanned) {
        return streams.xrevrange(stream, StreamRange.of(before, "-"), PAGE).flatMap(page -> {
            for (StreamMessage<String, String, String> message : page) {
                ProductUpdated event = read(message);
                if (event == null) {
                    continue;
                }
                if (event.sequence() == sequence) {
                    return Uni.createFrom().item(replay(found, true));
                }
                if (filter.test(event)) {
                    found.add(event);
                }
            }
            int seen = scanned + page.size();
            if (page.size() < PAGE || seen >= maxEntries) {
                // the stream's start, or the bound, without the subscriber's event: it may have missed more
                return Uni.createFrom().item(replay(found, false));
            }
            String oldest = page.get(page.size() - 1).id();
            return walk("(" + oldest, sequence, filter, maxEntries, found, seen);
        });
    }

    private static Replay replay(List<ProductUpdated> newestFirst, boolean complete) {
        List<ProductUpdated> events = new ArrayList<>(newestFirst);
        Collections.reverse(events);
        return new Replay(events, complete);
    }

    private ProductUpdated read(StreamMessage<String, String, String> message) {
        FeedEntry entry = FeedEntry.decode(message, json);
        if (entry.unreadable()) {
            LOG.debugf("Unreadable stream entry %s skipped in a replay", message.id());
        }
        return entry.event();
    }
}
