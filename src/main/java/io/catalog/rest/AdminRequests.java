package io.catalog.rest;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.catalog.model.Validation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of the admin API. Unknown fields are refused; a product's read-only fields are ignored on PUT. */
public final class AdminRequests {

    private AdminRequests() {
    }

    /** {@code PUT /admin/products/{id}}. */
    @RegisterForReflection
    @JsonIgnoreProperties(value = { "id", "currency", "version", "updatedAt" }, allowGetters = false)
    public record ProductBody(
            @NotNull @NotBlank @Size(max = Validation.NAME_MAX) String name,
            @NotNull @Pattern(regexp = Validation.CATEGORY_PATTERN, message = Validation.CATEGORY_RULE) String category,
            @NotNull @ValidPrice BigDecimal price) {
    }

    /** {@code PATCH /admin/products/{id}/price}. */
    @RegisterForReflection
    public record PriceBody(@NotNull @ValidPrice BigDecimal price) {
    }

    /** {@code POST /admin/prices/batch}. */
    @RegisterForReflection
    public record BatchBody(@NotNull @Size(min = 1, max = 1000) List<@NotNull @Valid PriceItem> updates) {
    }

    /** One item of a batch. */
    @RegisterForReflection
    public record PriceItem(
            @NotNull @Pattern(regexp = Validation.ID_PATTERN, message = Validation.ID_RULE) String id,
            @NotNull @ValidPrice BigDecimal price) {
    }
}
