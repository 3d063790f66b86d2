package io.catalog.chaos;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.catalog.chaos.History.Item;
import io.catalog.chaos.History.Outcome;
import io.catalog.chaos.History.Write;

/**
 * Checks a {@link History} against API.md 5: an operation sent after the acknowledgement of a write sees that write or
 * a newer one. For each read, the product's state it must at least show is the newest write acknowledged (answer
 * received) before the read was sent; writes that were still in flight while the read ran (sent before its answer
 * came, not acknowledged before it was sent, or whose outcome is unknown) may or may not show. Products are never
 * created again after a delete, so versions only grow per id.
 * <ul>
 * <li><b>product</b>: a 200 shows a version at least that write's (and, at a version an acknowledged write made, that
 * write's price); a 404 only after an acknowledged delete or beside one in flight; a 200 never after an acknowledged
 * delete.</li>
 * <li><b>page</b>: each item as a product read; every product the acknowledged writes put in the category, with no
 * write of it in flight, is on the page (limit 100: the whole category).</li>
 * <li><b>summary</b>: when no write of the category's products is in flight, count, minimum, maximum and average are
 * those of the acknowledged states (404 for none).</li>
 * <li><b>quote</b>: the price of the newest acknowledged write or of one in flight; 404 only as a product read.</li>
 * <li><b>lost write</b>: at the end, each product's stored state is its newest acknowledged write, or newer by at
 * most the writes whose outcome is unknown.</li>
 * <li><b>live stream</b>: at the end, the subscriber saw each product's final version (or its deletion).</li>
 * </ul>
 */
final class HistoryChecker {

    /** One contradiction: what kind, and the history that shows it. */
    record Violation(String kind, String detail) {
    }

    private final History history;
    private final Map<String, List<Write>> writesById = new HashMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private long unchecked;

    HistoryChecker(History history) {
        this.history = history;
        for (Write write : history.writes) {
            if (write.outcome() != Outcome.REFUSED) {
                writesById.computeIfAbsent(write.id(), k -> new ArrayList<>()).add(write);
            }
        }
        writesById.values().forEach(list -> list.sort(Comparator.comparingLong(Write::sent)));
    }

    /** The checks, in order; the violations found. */
    List<Violation> check() {
        history.reads.forEach(r -> product("product", r.id(), r.sent(), r.received(), r.status(), r.item(),
                "op " + r.op() + " GET /products/" + r.id() + " on " + r.pod() + " (" + r.tier() + ")"));
        history.pages.forEach(this::page);
        history.summaries.forEach(this::summary);
        history.quotes.forEach(this::quote);
        finalStates();
        subscriber();
        if (history.unpublishedAtEnd.get() > 0) {
            violate("unpublished", history.unpublishedAtEnd.get()
                    + " item(s) still held unpublished events 90 s after the faults healed");
        }
        return violations;
    }

    /** Reads whose expectation could not be told (a write of what they show was in flight). */
    long unchecked() {
        return unchecked;
    }

    /** What the acknowledged writes of {@code id} received before {@code at} leave the product at. */
    private record Acked(Write newest, Write delete) {
        boolean live() {
            return newest != null && delete == null;
        }
    }

    private Acked acked(String id, long at) {
        Write newest = null;
        Write delete = null;
        for (Write write : writesById.getOrDefault(id, List.of())) {
            if (write.outcome() != Outcome.ACKED || write.received() > at) {
                continue;
            }
            if (write.delete()) {
                delete = write;
            } else if (newest == null || write.version() > newest.version()) {
                newest = write;
            }
        }
        return new Acked(newest, delete);
    }

    /** Writes of {@code id} that may or may not show in an operation sent at {@code sent} and answered at {@code received}. */
    private List<Write> inFlight(String id, long sent, long received) {
        List<Write> found = new ArrayList<>();
        for (Write write : writesById.getOrDefault(id, List.of())) {
            if (write.sent() <= received && (write.outcome() == Outcome.UNKNOWN || write.received() > sent)) {
                found.add(write);
            }
        }
        return found;
    }

    private void product(String kind, String id, long sent, long received, int status, Item item, String what) {
        Acked acked = acked(id, sent);
        List<Write> flying = inFlight(id, sent, received);
        boolean deleteFlying = flying.stream().anyMatch(Write::delete);
        if (status == 200 && item != null) {
            if (acked.delete() != null) {
                violate(kind, what + " showed v" + item.version() + " after the delete acknowledged at "
                        + at(acked.delete().received()) + " (" + describe(acked.delete()) + ")");
            } else if (acked.newest() != null && item.version() < acked.newest().version()) {
                violate(kind, what + " sent at " + at(sent) + " showed v" + item.version() + " " + item.price()
                        + " after " + describe(acked.newest()));
            } else {
                for (Write write : writesById.getOrDefault(id, List.of())) {
                    if (write.version() == item.version() && write.price() != null && write.outcome() == Outcome.ACKED
                            && write.price().compareTo(item.price()) != 0) {
                        violate(kind, what + " showed v" + item.version() + " at " + item.price() + ", but "
                                + describe(write));
                    }
                }
            }
        } else if (status == 404 && acked.live() && !deleteFlying) {
            violate(kind, what + " sent at " + at(sent) + " answered 404 after " + describe(acked.newest()));
        }
    }

    private void page(History.PageRead page) {
        if (page.status() != 200) {
            return;
        }
        String what = "op " + page.op() + " GET /products?category=" + page.category() + " on " + page.pod();
        Set<String> shown = new TreeSet<>();
        for (Item item : page.items()) {
            shown.add(item.id());
            product("page", item.id(), page.sent(), page.received(), 200, item, what + ", item " + item.id());
        }
        for (String id : writesById.keySet()) {
            Acked acked = acked(id, page.sent());
            if (acked.live() && acked.newest().category() == null) {
                unchecked++;
                continue;
            }
            if (acked.live() && page.category().equals(acked.newest().category()) && !shown.contains(id)) {
                if (inFlight(id, page.sent(), page.received()).isEmpty()) {
                    violate("page", what + " sent at " + at(page.sent()) + " left out " + id + " although "
                            + describe(acked.newest()));
                } else {
                    unchecked++;
                }
            }
        }
    }

    private void summary(History.SummaryRead read) {
        if (read.status() != 200 && read.status() != 404) {
            return; // 503 (a dependency down, answered in time) claims nothing about the summary, as for pages
        }
        String category = read.category();
        List<BigDecimal> prices = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (String id : writesById.keySet()) {
            Acked acked = acked(id, read.sent());
            if (acked.live() && acked.newest().category() == null) {
                unchecked++;
                return;
            }
            boolean member = acked.live() && category.equals(acked.newest().category());
            for (Write write : inFlight(id, read.sent(), read.received())) {
                if (member || category.equals(write.category()) || write.delete()) {
                    unchecked++;
                    return;
                }
            }
            if (member) {
                prices.add(acked.newest().price());
                members.add(id + " v" + acked.newest().version() + " " + acked.newest().price());
            }
        }
        String what = "op " + read.op() + " GET /categories/" + category + "/summary on " + read.pod() + " sent at "
                + at(read.sent());
        if (prices.isEmpty()) {
            if (read.status() != 404) {
                violate("summary", what + " answered " + read.status() + " for a category with no product");
            }
            return;
        }
        BigDecimal min = prices.stream().min(Comparator.naturalOrder()).orElseThrow();
        BigDecimal max = prices.stream().max(Comparator.naturalOrder()).orElseThrow();
        BigDecimal avg = prices.stream().reduce(BigDecimal.ZERO, BigDecimal::add)
                .divide(BigDecimal.valueOf(prices.size()), 2, RoundingMode.HALF_EVEN);
        if (read.status() != 200 || read.count() != prices.size() || read.min().compareTo(min) != 0
                || read.max().compareTo(max) != 0 || read.avg().compareTo(avg) != 0) {
            violate("summary", what + " answered " + read.status() + " count " + read.count() + " min " + read.min()
                    + " max " + read.max() + " avg " + read.avg() + "; the acknowledged writes give count "
                    + prices.size() + " min " + min + " max " + max + " avg " + avg + " (" + String.join(", ", members)
                    + ")");
        }
    }

    private void quote(History.QuoteRead quote) {
        String what = "op " + quote.op() + " POST /checkout/quote " + quote.id() + " on " + quote.pod() + " sent at "
                + at(quote.sent());
        Acked acked = acked(quote.id(), quote.sent());
        List<Write> flying = inFlight(quote.id(), quote.sent(), quote.received());
        if (quote.status() == 200) {
            if (acked.delete() != null) {
                violate("quote", what + " priced a product deleted by " + describe(acked.delete()));
            } else if (acked.newest() != null && acked.newest().price().compareTo(quote.price()) != 0
                    && flying.stream().noneMatch(w -> w.price() != null && w.price().compareTo(quote.price()) == 0)) {
                violate("quote", what + " priced it at " + quote.price() + " after " + describe(acked.newest()));
            }
        } else if (quote.status() == 404 && acked.live() && flying.stream().noneMatch(Write::delete)) {
            violate("quote", what + " answered 404 after " + describe(acked.newest()));
        }
    }

    private void finalStates() {
        for (Map.Entry<String, List<Write>> entry : writesById.entrySet()) {
            String id = entry.getKey();
            Acked acked = acked(id, Long.MAX_VALUE);
            Item stored = history.finalState.get(id);
            long unknown = entry.getValue().stream().filter(w -> w.outcome() == Outcome.UNKNOWN).count();
            if (acked.delete() != null) {
                if (stored != null) {
                    violate("lost write", id + " is stored at v" + stored.version() + " after "
                            + describe(acked.delete()));
                }
                continue;
            }
            if (acked.newest() == null) {
                continue;
            }
            if (stored == null) {
                if (entry.getValue().stream().noneMatch(w -> w.delete() && w.outcome() == Outcome.UNKNOWN)) {
                    violate("lost write", id + " is not stored after " + describe(acked.newest()));
                }
            } else if (stored.version() < acked.newest().version()) {
                violate("lost write", id + " is stored at v" + stored.version() + " after "
                        + describe(acked.newest()));
            } else if (stored.version() == acked.newest().version()
                    && stored.price().compareTo(acked.newest().price()) != 0) {
                violate("lost write", id + " is stored at v" + stored.version() + " " + stored.price() + ", but "
                        + describe(acked.newest()));
            } else if (stored.version() - acked.newest().version() > unknown) {
                violate("lost write", id + " is stored at v" + stored.version() + ", newer than "
                        + describe(acked.newest()) + " by more than its " + unknown + " unknown write(s)");
            }
        }
    }

    private void subscriber() {
        for (String id : writesById.keySet()) {
            Item stored = history.finalState.get(id);
            long expected = stored == null ? -1 : stored.version();
            Long seen = history.subscriberSaw.get(id);
            if (seen != null && seen == History.NOT_FOUND) {
                seen = stored == null ? -1L : null; // a reload that found nothing, and nothing since
            }
            Acked acked = acked(id, Long.MAX_VALUE);
            if (stored == null && seen == null && acked.newest() == null && acked.delete() == null) {
                continue; // never created: its only writes' outcome was unknown, and nothing was stored
            }
            if (!Objects.equals(seen, expected)) {
                StringBuilder detail = new StringBuilder("the subscriber ended at ")
                        .append(seen == null ? "nothing" : seen == -1 ? "the deletion" : "v" + seen).append(" of ")
                        .append(id).append(", stored ").append(stored == null ? "deleted" : "v" + expected);
                writesById.getOrDefault(id, List.of())
                        .forEach(w -> detail.append("; ").append(describe(w)).append(' ').append(w.outcome()));
                detail.append("; the subscriber:");
                history.subscriberLog.stream().filter(l -> l.contains("\"" + id + "\"") || l.contains(" reset ")
                        || l.contains(" connect ") || l.contains(" lost: ")).forEach(l -> detail.append(" | ").append(l));
                violate("live stream", detail.toString());
            }
        }
    }

    private void violate(String kind, String detail) {
        violations.add(new Violation(kind, detail));
    }

    /** Violations by kind, in the order met. */
    static Map<String, List<Violation>> byKind(List<Violation> violations) {
        Map<String, List<Violation>> kinds = new LinkedHashMap<>();
        violations.forEach(v -> kinds.computeIfAbsent(v.kind(), k -> new ArrayList<>()).add(v));
        return kinds;
    }

    static String describe(Write write) {
        return "op " + write.op() + " " + write.kind() + " " + write.id() + (write.delete() ? ""
                : " v"
                        + write.version() + " " + write.price() + " in " + write.category())
                + " on " + write.pod()
                + ", sent at " + at(write.sent()) + ", acknowledged at " + at(write.received());
    }

    /** A time of the run's clock, in milliseconds since its start. */
    static String at(long nanos) {
        return String.format("%.1f ms", (nanos - ChaosRun.ORIGIN) / 1e6);
    }
}
