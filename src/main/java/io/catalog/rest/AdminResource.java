package io.catalog.rest;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.rest.AdminRequests.BatchBody;
import io.catalog.rest.AdminRequests.PriceBody;
import io.catalog.rest.AdminRequests.ProductBody;
import io.catalog.service.BatchWriter;
import io.catalog.service.BatchWriter.PriceUpdate;
import io.catalog.service.CatalogWriter;
import io.catalog.service.WriteResult;
import io.smallrye.mutiny.Uni;

/**
 * Admin writes, for bearer tokens whose {@code groups} claim holds {@code catalog-admin}. {@code If-Match} makes a
 * write conditional on the representation the client last saw.
 */
@Path("/admin")
@RolesAllowed(AdminResource.ROLE)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    public static final String ROLE = "catalog-admin";

    private final CatalogWriter writer;
    private final BatchWriter batches;

    public AdminResource(CatalogWriter writer, BatchWriter batches) {
        this.writer = writer;
        this.batches = batches;
    }

    @PUT
    @Path("/products/{id}")
    public Uni<Response> put(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Valid @NotNull ProductBody body) {
        ProblemException.requireId(id);
        return writer.put(id, body.name(), body.category(), body.price(), ifMatch).map(this::respond);
    }

    @PATCH
    @Path("/products/{id}/price")
    public Uni<Response> price(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Valid @NotNull PriceBody body) {
        ProblemException.requireId(id);
        return writer.patchPrice(id, body.price(), ifMatch).map(this::respond);
    }

    @DELETE
    @Path("/products/{id}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ProblemException.requireId(id);
        return writer.delete(id, ifMatch).map(this::respond);
    }

    @POST
    @Path("/prices/batch")
    public Uni<Map<String, List<BatchWriter.BatchResult>>> batch(@Valid @NotNull BatchBody body) {
        Set<String> seen = new HashSet<>();
        for (var item : body.updates()) {
            if (!seen.add(item.id())) {
                throw ProblemException.badRequest("updates lists product " + item.id() + " more than once");
            }
        }
        List<PriceUpdate> updates = body.updates().stream().map(u -> new PriceUpdate(u.id(), u.price())).toList();
        return batches.batchPrices(updates).map(results -> Map.of("results", results));
    }

    private Response respond(WriteResult result) {
        return switch (result.status()) {
            case CREATED -> withETag(Response.status(201), result);
            case UPDATED -> withETag(Response.ok(), result);
            case DELETED -> Response.noContent().build();
            case NOT_FOUND -> Problem.response(404, "not-found", "Not found", "No such product");
            case PRECONDITION_FAILED -> Problem.response(412, "precondition-failed", "Precondition failed",
                    "If-Match does not name the product's current ETag");
            case CONFLICT -> Problem.response(409, "conflict", "Conflict",
                    "The product kept changing concurrently; retry");
        };
    }

    private Response withETag(Response.ResponseBuilder builder, WriteResult result) {
        return builder.entity(result.product()).header(HttpHeaders.ETAG, writer.etag(result.product()))
                .header(EdgeHeaders.X_CACHE_VERSION, result.product().sequence()).build();
    }
}
