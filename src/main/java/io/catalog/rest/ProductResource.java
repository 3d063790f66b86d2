package io.catalog.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.cache.CacheCoherence;
import io.catalog.service.CatalogReads;
import io.catalog.service.Cursors;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Public product reads: one product, and pages of a category or of the whole catalog. */
@Path("/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductResource {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final CatalogReads reads;
    private final Cursors cursors;
    private final EdgeHeaders edge;
    private final CacheCoherence coherence;

    public ProductResource(CatalogReads reads, Cursors cursors, EdgeHeaders edge, CacheCoherence coherence) {
        this.coherence = coherence;
        this.reads = reads;
        this.cursors = cursors;
        this.edge = edge;
    }

    @GET
    @Path("/{id}")
    public Uni<Response> product(@PathParam("id") String id, @QueryParam("v") String v,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch, @Context RoutingContext routing) {
        ProblemException.requireId(id);
        if (v == null && routing != null && routing.get(ProductFastPath.L1_MISSED) != null) {
            return reads.productAfterL1Miss(id).map(served -> edge.respond(served, ifNoneMatch, "No product " + id));
        }
        if (v != null) {
            long version = versionParameter(v);
            return reads.product(id).map(served -> edge.respondVersioned(served, version, ifNoneMatch,
                    "/products/" + id, "No product " + id));
        }
        return reads.product(id).map(served -> edge.respond(served, ifNoneMatch, "No product " + id));
    }

    private static long versionParameter(String v) {
        try {
            long version = Long.parseLong(v);
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("v must be a positive integer: the product's X-Cache-Version");
    }

    @GET
    public Uni<Response> page(@QueryParam("category") String category, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        if (category != null) {
            ProblemException.requireCategory(category);
        }
        int size = limit(limit);
        if (cursor != null && cursors.open(CatalogReads.listing(category), size, cursor).isEmpty()) {
            throw ProblemException.badRequest(
                    "cursor was not issued by this service for this listing and limit (send the limit it came with)");
        }
        long reached = coherence.feedReached(); // before the page is assembled (EdgeHeaders.X_LIVE_SINCE)
        return reads.page(category, size, cursor).map(
                served -> EdgeHeaders.withLiveSince(edge.respond(served, ifNoneMatch, "No such page"), reached));
    }

    static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("limit must be an integer from 1 to " + MAX_LIMIT);
    }
}
