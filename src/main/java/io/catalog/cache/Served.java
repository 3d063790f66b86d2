package io.catalog.cache;

/**
 * A representation and the tier that answered it.
 *
 * @param standsIn whether the pod may serve it again while the store hangs ({@code LastServed}): not a summary
 *        computed from the store, whose version may be newer than a membership change it does not include yet
 */
public record Served(CachedValue value, Tier tier, boolean standsIn) {

    public Served(CachedValue value, Tier tier) {
        this(value, tier, true);
    }
}
