package io.catalog.bare;

import java.math.BigDecimal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.common.annotation.NonBlocking;

/**
 * A fixed JSON object, serialized by Jackson on each request, as a new user would write it. {@code /item} runs on
 * the event loop ({@code @NonBlocking}, like the service's reads: the stronger baseline, the one bin/bench reports
 * the L1 hit against); {@code /item/default} is the same method with Quarkus REST's default for a non-reactive
 * return type (a worker thread).
 */
@Path("/item")
@Produces(MediaType.APPLICATION_JSON)
public class ItemResource {

    /** A product document's fields, with values of the same lengths as bin/bench's product {@code bench-1}. */
    public record Item(String id, String name, String category, BigDecimal price, String currency, long version,
            String updatedAt) {
    }

    static final Item ITEM = new Item("bench-1", "Bench item", "bench", new BigDecimal("103.62"), "USD", 1,
            "2026-11-28T20:16:00.123456Z");

    @GET
    @NonBlocking
    public Item item() {
        return ITEM;
    }

    @GET
    @Path("/default")
    public Item itemOnWorker() {
        return ITEM;
    }
}
