package io.catalog.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.RecentMembership;
import io.catalog.cache.RecentMembership.Change;
import io.catalog.cache.SingleFlight;
import io.catalog.model.Keys;
import io.catalog.model.StoredIds;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.support.FreshFlights;
import io.smallrye.mutiny.Uni;

/**
 * Who belongs to a listing (a category, or {@code null}: every product), never missing an acknowledged change.
 * The unfiltered listing is a strongly consistent scan of the table. A category's comes from DynamoDB's category
 * index, in id order, which is eventually consistent: it may not show
 * a product created or moved in a moment ago, or still show one deleted or moved out. So what it shows is corrected
 * with the membership changes this pod heard lately ({@link RecentMembership}): every acknowledged change has been
 * heard by every pod that trusts its caches, and the index catches up within the window those changes are kept. A
 * pod that cannot vouch for what it heard (it started, or its feed had a gap, less than the eventual lag ago:
 * {@link CacheCoherence#eventualReadsSafe}) reads the table strongly consistent instead, a full scan: exact and
 * costly, for the seconds that last; the reads of a category then share its scans, each begun after the reads it
 * answers ({@link FreshFlights}: one under way and one waiting, however many pages, summaries and repairs ask). A
 * listing changed too often for the bound of what is kept is read that way too.
 */
@ApplicationScoped
public class ListingMembers {

    /**
     * Up to {@code size} members, in id order, with the sequence each was last seen at (the page never shows one older).
     *
     * @param more whether members follow them
     * @param includes the newest membership change they are known to include ({@link Long#MAX_VALUE} when read
     *        strongly consistent, hence every change stored before): corrected with what this pod heard, they include
     *        the changes it had heard when it began, whatever generation the store counted then (a change is counted
     *        before it is published, so before the pods hear it); a list is never labelled newer than that
     */
    public record Members(List<StoredIds.Entry> entries, boolean more, long includes) {

        /** The label of a list computed at {@code generation}: never newer than what it includes. */
        public long label(long generation) {
            return Math.min(generation, includes);
        }
    }

    private final ProductStore products;
    private final CacheCoherence coherence;
    /** A category's consistent scans: one under way and one waiting, whatever the reads (a pod's start-up). */
    private final FreshFlights<List<StoredProduct>> scans = new FreshFlights<>(SingleFlight.DEFAULT_MAXIMUM_SLOTS);

    public ListingMembers(ProductStore products, CacheCoherence coherence) {
        this.products = products;
        this.coherence = coherence;
    }

    /**
     * The members of the listing after {@code afterId}, at most {@code size}: a category's in id order (its index's),
     * every product's in the table's scan order, read strongly consistent (a scan of the table can be, and then needs
     * no correction).
     */
    public Uni<Members> page(String category, int size, Optional<String> afterId) {
        if (category == null) {
            return products.page(Optional.empty(), size, afterId, true).map(found -> new Members(found.stream()
                    .limit(size).map(p -> new StoredIds.Entry(p.id(), p.product().sequence())).toList(),
                    found.size() > size, Long.MAX_VALUE));
        }
        String listing = CatalogReads.listing(category);
        // the floor first: a change is heard into the membership before its floors are raised
        long includes = coherence.floors().of(Keys.members(listing));
        Map<String, Change> heard = coherence.eventualReadsSafe() ? coherence.membership().changes(listing) : null;
        if (heard == null) {
            return scans.run(category, () -> products.scanConsistent(category)).map(all -> {
                List<StoredProduct> sorted = new ArrayList<>(all.stream()
                        .filter(p -> afterId.isEmpty() || p.id().compareTo(afterId.get()) > 0).toList());
                sorted.sort(Comparator.comparing(StoredProduct::id));
                List<StoredIds.Entry> entries = sorted.stream().limit(size)
                        .map(p -> new StoredIds.Entry(p.id(), p.product().sequence())).toList();
                return new Members(entries, sorted.size() > size, Long.MAX_VALUE);
            });
        }
        long leavers = heard.entrySet().stream().filter(e -> !e.getValue().member()
                && (afterId.isEmpty() || e.getKey().compareTo(afterId.get()) > 0)).count();
        int fetched = (int) Math.min(size + leavers, 10_000);
        return products.page(Optional.ofNullable(category), fetched, afterId).map(found -> {
            TreeMap<String, Long> members = new TreeMap<>();
            found.forEach(p -> members.put(p.id(), p.product().sequence()));
            // beyond the last item fetched, the index was not read: a product heard joining there is on a later page
            String boundary = found.size() > fetched ? found.get(found.size() - 1).id() : null;
            heard.forEach((id, change) -> {
                boolean inRange = (afterId.isEmpty() || id.compareTo(afterId.get()) > 0)
                        && (boundary == null || id.compareTo(boundary) <= 0);
                Long shown = members.get(id);
                if (change.member() && inRange) {
                    members.merge(id, change.sequence(), Math::max);
                } else if (!change.member() && shown != null && shown <= change.sequence()) {
                    members.remove(id);
                }
            });
            List<StoredIds.Entry> entries = new ArrayList<>(Math.min(size, members.size()));
            for (Map.Entry<String, Long> member : members.entrySet()) {
                if (entries.size() == size) {
                    break;
                }
                entries.add(new StoredIds.Entry(member.getKey(), member.getValue()));
            }
            return new Members(entries, members.size() > size || boundary != null, includes);
        });
    }

    /** Every member of a category, by the same rules (for a summary computed from the store). */
    public Uni<List<String>> all(String category) {
        return page(category, Integer.MAX_VALUE - 1, Optional.empty())
                .map(members -> members.entries().stream().map(StoredIds.Entry::id).toList());
    }
}
