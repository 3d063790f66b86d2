package io.catalog.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.service.CatalogReads;
import io.smallrye.mutiny.Uni;

/** Public category aggregates. */
@Path("/categories")
@Produces(MediaType.APPLICATION_JSON)
public class CategoryResource {

    private final CatalogReads reads;
    private final EdgeHeaders edge;

    public CategoryResource(CatalogReads reads, EdgeHeaders edge) {
        this.reads = reads;
        this.edge = edge;
    }

    @GET
    @Path("/{category}/summary")
    public Uni<Response> summary(@PathParam("category") String category,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        ProblemException.requireCategory(category);
        return reads.summary(category)
                .map(served -> edge.respond(served, ifNoneMatch, "Category " + category + " has no products"));
    }
}
