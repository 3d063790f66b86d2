package io.catalog.cache;

import java.util.List;

import io.catalog.model.ETags;

/**
 * One cacheable representation, the same in every tier.
 *
 * @param body the JSON body, or {@code null} for a resource that does not exist (a negative entry)
 * @param version the sequence of the newest event this representation includes ({@code X-Cache-Version}; a page or a
 *        summary is answered under a label from there up, {@code service.AggregateLabels}, never kept in a tier)
 * @param token what the value depends on ({@code p:<id>}, {@code c:<category>} or {@code c:*}); events raise
 *        the floor of tokens, and a value below its token's floor is stale
 * @param surrogateKeys the edge's purge keys of this representation
 * @param cacheable whether tiers may keep it (not, e.g., an aggregate computed while an index may still lag)
 */
public record CachedValue(String body, String etag, long version, String token, List<String> surrogateKeys,
        boolean cacheable) {

    public CachedValue {
        surrogateKeys = List.copyOf(surrogateKeys);
    }

    public static CachedValue found(String body, long version, String token, List<String> surrogateKeys) {
        return new CachedValue(body, ETags.of(body), version, token, surrogateKeys, true);
    }

    public static CachedValue absent(long version, String token, List<String> surrogateKeys) {
        return new CachedValue(null, null, version, token, surrogateKeys, true);
    }

    public boolean exists() {
        return body != null;
    }

    public CachedValue uncacheable() {
        return new CachedValue(body, etag, version, token, surrogateKeys, false);
    }
}
