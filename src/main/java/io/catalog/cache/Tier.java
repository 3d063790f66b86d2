package io.catalog.cache;

/** Which tier answered a read ({@code X-Cache}). */
public enum Tier {
    L1,
    L2,
    MISS
}
