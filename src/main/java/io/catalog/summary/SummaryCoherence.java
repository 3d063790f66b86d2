package io.catalog.summary;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.config.CatalogConfig;
import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;
import io.catalog.model.SummaryState;
import io.catalog.model.SurrogateKeys;
import io.catalog.support.Json;

/**
 * This pod's side of the category summaries that Redis maintains ({@link RedisSummaries}): the summaries that
 * events carry go into L1 as they are heard, so summaries stay L1 hits on every pod while prices change.
 * <p>
 * A summary is versioned by its own token ({@link Keys#summary}), not by the category's, because a summary relabelled
 * after a late event carries a reserved sequence that no event has (a category token raised that far would
 * condemn the category's pages). Its floor is raised by every summary this pod learns or serves; an event heard
 * without a summary of a category it touches (Redis had no structure for it) drops the L1 summary and raises the
 * floor to the event.
 * <p>
 * <b>Awaited categories.</b> Between the start of a publish by this pod's relay and the summaries it brings back,
 * this pod knows of changes that Redis may not include yet; a summary relabelled earlier may even carry a version
 * above them. Such a category is <em>awaited</em>: its summary is computed from the store, until a summary that
 * includes the change arrives (from the relay, or, when the publish failed, from the feed once a sweep published
 * it). Bounded: at most {@link #MAXIMUM_AWAITED} categories, forgotten after the floors' retention.
 */
@ApplicationScoped
public class SummaryCoherence {

    static final long MAXIMUM_AWAITED = 10_000;

    private final CacheCoherence coherence;
    private final Json json;
    private final String currency;
    private final Cache<String, Long> awaited;

    @Inject
    public SummaryCoherence(CacheCoherence coherence, Json json, CatalogConfig config, Ticker ticker) {
        this(coherence, json, config.currency(), ticker);
    }

    SummaryCoherence(CacheCoherence coherence, Json json, String currency, Ticker ticker) {
        this.coherence = coherence;
        this.json = json;
        this.currency = currency;
        this.awaited = Caffeine.newBuilder().maximumSize(MAXIMUM_AWAITED)
                .expireAfterWrite(CacheCoherence.FLOOR_RETENTION).ticker(ticker).build();
    }

    /** The representation of a summary: 404 (absent) for an empty category. */
    public CachedValue value(SummaryState state) {
        String token = Keys.summary(state.category());
        List<String> keys = SurrogateKeys.listing(state.category());
        return state.empty() ? CachedValue.absent(state.version(), token, keys)
                : CachedValue.found(json.write(state.toSummary(currency)), state.version(), token, keys);
    }

    /** This pod's relay is about to publish a change of {@code category} at {@code sequence}. */
    public void await(String category, long sequence) {
        awaited.asMap().merge(category, sequence, Math::max);
        coherence.l1().invalidateOlderThan(Keys.summary(category), Long.MAX_VALUE);
    }

    /** Whether this pod knows of a change of {@code category} that Redis may not include yet. */
    public boolean awaited(String category) {
        return awaited.getIfPresent(category) != null;
    }

    /** A summary known to include every change of its category up to {@code includes}: into L1 if newer. */
    public void learn(SummaryState state, long includes) {
        String key = Keys.summary(state.category());
        coherence.floors().raise(key, state.version());
        awaited.asMap().computeIfPresent(state.category(), (c, sequence) -> sequence <= includes ? null : sequence);
        CachedValue held = coherence.l1().get(key);
        if (held == null || held.version() < state.version()) {
            coherence.l1().put(key, value(state), coherence.l1().epoch());
        }
    }

    /**
     * Redis had no structure for {@code category}: the changes up to {@code includes} were recorded there for the
     * repair that builds it, which will include them. The L1 summary is dropped and its floor raised.
     */
    public void recorded(String category, long includes) {
        awaited.asMap().computeIfPresent(category, (c, sequence) -> sequence <= includes ? null : sequence);
        unknown(category, includes);
    }

    private void unknown(String category, long sequence) {
        String key = Keys.summary(category);
        coherence.floors().raise(key, sequence);
        coherence.l1().invalidateOlderThan(key, Long.MAX_VALUE);
    }

    /** An event heard from the feed, with the summaries its stream entry carries ({@code null} for none). */
    public void heard(ProductUpdated event, String summaries) {
        heard(event, summaries, coherence.l1().epoch());
    }

    /**
     * As {@link #heard(ProductUpdated, String)}, for an entry read by the feed after {@code epochBefore}: a carried
     * summary goes into L1 only while the feed is caught up and L1 was not flushed since (the rule of product
     * documents, {@link CacheCoherence#apply(ProductUpdated, CachedValue, long)}): during a catch-up after a gap, an
     * entry may carry an older summary than one whose entry was lost, so then the summary is only dropped and its
     * floor raised.
     */
    public void heard(ProductUpdated event, String summaries, long epochBefore) {
        List<SummaryState> carried = parse(summaries);
        boolean mayPut = coherence.mayPutFromFeed(epochBefore);
        for (String category : event.categories()) {
            SummaryState state = carried.stream().filter(s -> s.category().equals(category)).findFirst().orElse(null);
            if (state != null && mayPut) {
                learn(state, event.sequence());
            } else if (state != null) {
                awaited.asMap().computeIfPresent(category, (c, sequence) -> sequence <= event.sequence() ? null
                        : sequence);
                unknown(category, state.version());
            } else {
                unknown(category, event.sequence());
            }
        }
    }

    /** The field a stream entry carries: the summaries after the event's publish, of the categories it touched. */
    public String field(List<SummaryState> states) {
        return json.write(states);
    }

    private List<SummaryState> parse(String summaries) {
        if (summaries == null || summaries.isEmpty()) {
            return List.of();
        }
        try {
            return List.of(json.read(summaries, SummaryState[].class));
        } catch (RuntimeException unreadable) {
            return List.of();
        }
    }
}
