package io.catalog.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The cached form of a list page: its products' ids in order, each with the sequence the listing's query saw it
 * at, and the cursor of the next page ({@code null} on the last).
 */
@RegisterForReflection
public record StoredIds(List<Entry> items, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {

    /** One product of a page and the sequence its listing's query saw it at. */
    @RegisterForReflection
    public record Entry(String id, long sequence) {
    }
}
