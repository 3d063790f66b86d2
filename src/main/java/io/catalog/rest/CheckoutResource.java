package io.catalog.rest;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.model.Quote;
import io.catalog.model.Validation;
import io.catalog.service.CheckoutQuotes;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** Checkout quotes: prices from the source of truth only. */
@Path("/checkout")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CheckoutResource {

    private final CheckoutQuotes quotes;

    public CheckoutResource(CheckoutQuotes quotes) {
        this.quotes = quotes;
    }

    /** {@code POST /checkout/quote}. */
    @RegisterForReflection
    public record QuoteBody(@NotNull @Size(min = 1, max = 100) List<@NotNull @Valid QuoteItem> items) {
    }

    /** One line of a quote request. */
    @RegisterForReflection
    public record QuoteItem(
            @NotNull @Pattern(regexp = Validation.ID_PATTERN, message = Validation.ID_RULE) String id,
            @NotNull @Min(1) @Max(1000) Integer quantity,
            @ValidPrice BigDecimal expectedPrice) {
    }

    @POST
    @Path("/quote")
    public Uni<Response> quote(@Valid @NotNull QuoteBody body) {
        List<CheckoutQuotes.Line> lines = body.items().stream()
                .map(i -> new CheckoutQuotes.Line(i.id(), i.quantity(), i.expectedPrice())).toList();
        return quotes.quote(lines).map(CheckoutResource::respond);
    }

    private static Response respond(Quote quote) {
        if (quote instanceof Quote.Priced priced) {
            return Response.ok(priced).build();
        }
        if (quote instanceof Quote.PriceChanged changed) {
            return Problem.response(409, "price-changed", "Price changed",
                    "At least one expected price is not the current price", Map.of("currentPrices", changed.currentPrices()));
        }
        Quote.Unknown unknown = (Quote.Unknown) quote;
        return Problem.response(404, "not-found", "Not found", "No product " + String.join(", ", unknown.ids()),
                Map.of("unknownIds", unknown.ids()));
    }
}
