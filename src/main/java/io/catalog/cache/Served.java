package io.catalog.cache;

/** A representation and the tier that answered it. */
public record Served(CachedValue value, Tier tier) {
}
