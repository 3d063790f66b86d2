package io.catalog.rest;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.catalog.cache.HotKeys;
import io.catalog.service.CacheInspection;
import io.catalog.service.CacheRepair;
import io.smallrye.mutiny.Uni;

/**
 * Cache inspection and repair for operators (API.md section 4), with the admin writes' token: what each tier holds
 * for a product, its re-publication to every tier, and this pod's hot keys. Answers are {@code no-store}
 * ({@link NoStoreFilter}).
 */
@Path("/admin/cache")
@RolesAllowed(AdminResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class CacheAdminResource {

    static final int DEFAULT_HOT = 10;
    static final int MAX_HOT = 100;

    private final CacheInspection inspection;
    private final CacheRepair repair;

    public CacheAdminResource(CacheInspection inspection, CacheRepair repair) {
        this.inspection = inspection;
        this.repair = repair;
    }

    /** 404 for an id the store has never had (a deleted product's tombstone is inspected like any product). */
    @GET
    @Path("/products/{id}")
    public Uni<CacheInspection.State> inspect(@PathParam("id") String id) {
        ProblemException.requireId(id);
        return inspection.inspect(id).map(state -> state.orElseThrow(() -> ProblemException.notFound("No such product")));
    }

    @POST
    @Path("/products/{id}/refresh")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> refresh(@PathParam("id") String id) {
        ProblemException.requireId(id);
        return repair.refresh(id).map(found -> {
            if (!found) {
                throw ProblemException.notFound("No such product");
            }
            return Response.accepted().build();
        });
    }

    @GET
    @Path("/hot")
    public Map<String, List<HotKeys.Hot>> hot(@QueryParam("limit") String limit) {
        return Map.of("items", inspection.hot(limit(limit)));
    }

    static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_HOT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_HOT) {
                return value;
            }
        } catch (NumberFormatException notAnInteger) {
            // refused below
        }
        throw ProblemException.badRequest("limit must be an integer from 1 to " + MAX_HOT);
    }
}
