/**
 * Category summaries (product count, min, max and average price), maintained incrementally in Redis rather than
 * recomputed from the store: {@link io.catalog.summary.RedisSummaries} holds each category's structure and runs the
 * Lua scripts in {@code src/main/resources/lua/summary/} (keys and arguments documented at their top);
 * {@link io.catalog.summary.SummaryMaintainer} applies each published event to it (the relay calls it before the
 * event reaches the stream) and relabels a summary when an event arrives after a newer one;
 * {@link io.catalog.summary.SummaryCoherence} keeps this pod's L1 copy of each summary, learning new states from the
 * feed and dropping what Redis may not include yet.
 * <p>
 * The read path, which falls back to the store and repairs Redis, is {@code io.catalog.service.SummaryReads} (with
 * the other reads, above this package); the JSON shapes are {@code io.catalog.model.SummaryState} and
 * {@code io.catalog.model.CategorySummary}. Why summaries stay correct under concurrent writers: docs/COHERENCE.md.
 */
package io.catalog.summary;
