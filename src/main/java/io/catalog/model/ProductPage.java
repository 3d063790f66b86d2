package io.catalog.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One page of a product listing; {@code nextCursor} is {@code null} on the last page. */
@RegisterForReflection
public record ProductPage(List<Product> items, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {
}
