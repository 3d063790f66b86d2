package io.catalog.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.config.CatalogConfig;

/**
 * A fixed JSON body of a product's size, with no cache or store behind it: the baseline that benchmarks compare
 * the cache tiers against, in the same process and the same run. Answers 404 unless
 * {@code catalog.bench.fixed-endpoint=true}.
 */
@Path("/bench/fixed")
public class FixedResource {

    static final String BODY = "{\"id\":\"sku-00001\",\"name\":\"Classic item 1\",\"category\":\"garden\","
            + "\"price\":103.62,\"currency\":\"USD\",\"version\":1,\"updatedAt\":\"2026-11-26T11:19:32.698Z\"}";

    private final boolean enabled;

    public FixedResource(CatalogConfig config) {
        this.enabled = config.lab().benchFixedEndpoint();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response fixed() {
        if (!enabled) {
            throw ProblemException.notFound("No resource at this path");
        }
        return Response.ok(BODY).header("Cache-Control", "no-store").build();
    }
}
