package io.catalog.cache;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;

/**
 * The membership changes of each listing that this pod heard lately (creations, deletions, moves; a listing is a
 * category, or {@code *} for every product), so that a listing read from DynamoDB's index, which is eventually
 * consistent, can be corrected: a product that joined a listing may not be in the index yet, one that left may
 * still be. A pod hears every change before the change is acknowledged (or stops trusting its caches), so a listing
 * corrected with what it heard shows every acknowledged change, however far the index lags, as long as it lags less
 * than the {@link #window}.
 * <p>
 * Bounded: changes older than the window are forgotten (the index shows them by then), at most
 * {@link #MAXIMUM_PER_LISTING} per listing (a listing that had more within the window is not {@link #complete}) and
 * at most {@link #MAXIMUM_LISTINGS} listings. Times are this pod's {@link Ticker}.
 */
public final class RecentMembership {

    static final int MAXIMUM_PER_LISTING = 2_000;
    static final long MAXIMUM_LISTINGS = 10_000;

    /**
     * The newest change of a product's membership of a listing.
     *
     * @param sequence the change's event sequence
     * @param member whether the product belongs to the listing after it
     */
    public record Change(long sequence, boolean member) {
    }

    private record Heard(Change change, long at) {
    }

    private static final class Listing {
        final LinkedHashMap<String, Heard> changes = new LinkedHashMap<>();
        /** When a change was last dropped to keep the bound, or {@code null}: until the window passed, incomplete. */
        Long overflowedAt;
    }

    private final Ticker ticker;
    private final long windowNanos;
    private final Cache<String, Listing> listings;

    /** @param window how long a change is kept: longer than the index may lag behind a write */
    public RecentMembership(Duration window, Ticker ticker) {
        this.ticker = ticker;
        this.windowNanos = window.toNanos();
        this.listings = Caffeine.newBuilder().maximumSize(MAXIMUM_LISTINGS).expireAfterAccess(window).ticker(ticker)
                .build();
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    /** Records the membership changes of an event (none for a change of price or name). */
    public void heard(ProductUpdated event) {
        for (String listing : event.membershipListings()) {
            boolean member = !event.deleted() && (Keys.EVERY_LISTING.equals(listing)
                    || listing.equals(event.category()));
            Listing heard = listings.get(listing, l -> new Listing());
            long now = ticker.read();
            synchronized (heard) {
                prune(heard, now);
                Heard before = heard.changes.remove(event.productId());
                if (before != null && before.change().sequence() > event.sequence()) {
                    heard.changes.put(event.productId(), before); // a late event changes nothing it knows
                    continue;
                }
                heard.changes.put(event.productId(), new Heard(new Change(event.sequence(), member), now));
                if (heard.changes.size() > MAXIMUM_PER_LISTING) {
                    Iterator<String> oldest = heard.changes.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                    heard.overflowedAt = now;
                }
            }
        }
    }

    /**
     * Whether a change of {@code productId}'s membership of {@code listing} at {@code sequence} or newer was heard
     * within the window (false when the listing dropped changes to keep its bound: perhaps that one).
     */
    public boolean heard(String listing, String productId, long sequence) {
        Listing heard = listings.getIfPresent(listing);
        if (heard == null) {
            return false;
        }
        synchronized (heard) {
            Heard change = heard.changes.get(productId);
            return heard.overflowedAt == null && change != null && change.change().sequence() >= sequence;
        }
    }

    /**
     * The changes of {@code listing} heard within the window, by product id; {@code null} when some were dropped to
     * keep the bound (the listing changed too often to be corrected: read it another way).
     */
    public Map<String, Change> changes(String listing) {
        Listing heard = listings.getIfPresent(listing);
        if (heard == null) {
            return Map.of();
        }
        long now = ticker.read();
        synchronized (heard) {
            prune(heard, now);
            if (heard.overflowedAt != null) {
                return null;
            }
            Map<String, Change> changes = new HashMap<>();
            heard.changes.forEach((id, h) -> changes.put(id, h.change()));
            return changes;
        }
    }

    private void prune(Listing listing, long now) {
        Iterator<Heard> oldest = listing.changes.values().iterator();
        while (oldest.hasNext() && now - oldest.next().at() >= windowNanos) {
            oldest.remove();
        }
        if (listing.overflowedAt != null && now - listing.overflowedAt >= windowNanos) {
            listing.overflowedAt = null;
        }
    }
}
