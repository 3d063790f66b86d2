package io.catalog.bench;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A fixed JSON body of a product's size, with no cache or store behind it: the baseline that benchmarks compare the
 * cache tiers against, in the same process (behind the same filters) and the same run. Not part of the service: this
 * source root is compiled only by the {@code bench} profile ({@code ./mvnw -Pbench package}, which bin/bench runs).
 */
@Path("/bench/fixed")
public class FixedResource {

    static final String BODY = "{\"id\":\"sku-00001\",\"name\":\"Classic item 1\",\"category\":\"garden\","
            + "\"price\":103.62,\"currency\":\"USD\",\"version\":1,\"updatedAt\":\"2026-11-26T11:19:32.698Z\"}";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response fixed() {
        return Response.ok(BODY).header("Cache-Control", "no-store").build();
    }
}
