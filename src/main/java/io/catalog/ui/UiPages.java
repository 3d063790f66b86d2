package io.catalog.ui;

import java.util.List;
import java.util.function.Supplier;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.model.ETags;
import io.catalog.rest.EdgeHeaders;
import io.catalog.rest.ProblemException;
import io.catalog.service.CatalogReads;
import io.catalog.service.Cursors;
import io.catalog.support.Json;
import io.catalog.ui.Views.CategoryView;
import io.catalog.ui.Views.Listing;
import io.catalog.ui.Views.PageJson;
import io.catalog.ui.Views.ProductJson;
import io.catalog.ui.Views.ProductView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The browser pages, rendered on the server from the same served representations as the JSON reads: a product or
 * category page carries its JSON's {@code Cache-Control}, {@code X-Cache-Version}, {@code X-Cache} and purge keys
 * ({@link EdgeHeaders#respondAs}), so the edge keeps it and purges it with the JSON. Its {@code ETag} is derived
 * from the JSON's and the application version: the page changes when either does, and not with the tier that
 * answered (shown on the page, as of its rendering). Pages subscribe to {@code /events/products} from their
 * {@code X-Cache-Version}, so a change made after the render (or the edge's copy) is replayed, not missed.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "Browser pages")
public class UiPages {

    static final int CATEGORY_PAGE = 50;
    static final int HOME_SAMPLE = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home(List<CategoryView> categories, long since, String tier);

        static native TemplateInstance category(String category, Listing listing, long version, long since, String tier);

        static native TemplateInstance product(ProductView product, long since, String tier);

        static native TemplateInstance missing(String title, String detail);

        static native TemplateInstance admin();

        static native TemplateInstance dashboard();
    }

    private final CatalogReads reads;
    private final CacheCoherence coherence;
    private final Cursors cursors;
    private final EdgeHeaders edge;
    private final Json json;
    private final String revision;

    public UiPages(CatalogReads reads, CacheCoherence coherence, Cursors cursors, EdgeHeaders edge, Json json,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.reads = reads;
        this.coherence = coherence;
        this.cursors = cursors;
        this.edge = edge;
        this.json = json;
        this.revision = version;
    }

    @GET
    @Path("/")
    @Operation(summary = "Home page: the catalog's categories")
    public Uni<Response> home(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return reads.page(null, HOME_SAMPLE, null).map(served -> page(served, false, ifNoneMatch, () -> {
            PageJson page = json.read(served.value().body(), PageJson.class);
            return Templates.home(Views.categories(page), served.value().version(), served.tier().name());
        }, "No products yet"));
    }

    @GET
    @Path("/categories/{category}")
    @Operation(summary = "A category's products, with live prices")
    public Uni<Response> category(@PathParam("category") String category, @QueryParam("cursor") String cursor,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        ProblemException.requireCategory(category);
        if (cursor != null && cursors.open(CatalogReads.listing(category), CATEGORY_PAGE, cursor).isEmpty()) {
            throw ProblemException.badRequest("cursor was not issued by this service for this listing");
        }
        // where the page's live prices resume: this pod's feed before the page is assembled, not the page's label
        // (CacheCoherence.feedReached). A pod that has read no entry yet gives 0, which no event has: the stream
        // answers `reset`, and the page fetches its listing and resumes where that says (X-Live-Since)
        long since = Math.max(0, coherence.feedReached());
        return reads.page(category, CATEGORY_PAGE, cursor).map(served -> page(served, true, ifNoneMatch, () -> {
            Listing listing = Listing.of(json.read(served.value().body(), PageJson.class));
            return Templates.category(category, listing, served.value().version(), since, served.tier().name());
        }, "No category " + category));
    }

    @GET
    @Path("/products/{id}")
    @Operation(summary = "A product, with its live price")
    public Uni<Response> product(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        ProblemException.requireId(id);
        return reads.product(id).map(served -> page(served, false, ifNoneMatch, () -> {
            ProductJson product = json.read(served.value().body(), ProductJson.class);
            return Templates.product(ProductView.of(product), served.value().version(), served.tier().name());
        }, "No product " + id));
    }

    @GET
    @Path("/admin")
    @Operation(summary = "Admin console: price changes with If-Match, CSV batches (the token stays in the tab)")
    public TemplateInstance admin() {
        return Templates.admin();
    }

    @GET
    @Path("/dashboard")
    @Operation(summary = "Live coherence dashboard of the pod that serves it")
    public TemplateInstance dashboard() {
        return Templates.dashboard();
    }

    /**
     * The page of {@code served}, rendered unless {@code ifNoneMatch} names it. A {@code live} page also holds where
     * its live prices resume, which differs from pod to pod and moves with every change anywhere, though every one is
     * right for what the page shows: its ETag is weak, of what it shows, so that revalidations keep answering 304.
     */
    private Response page(Served served, boolean live, String ifNoneMatch, Supplier<TemplateInstance> render,
            String absent) {
        CachedValue value = served.value();
        if (!value.exists()) {
            return edge.respondAs(served, null, null, () -> html(Response.status(Response.Status.NOT_FOUND),
                    Templates.missing("Not found", absent)));
        }
        String etag = (live ? "W/" : "") + ETags.of("html " + revision + " " + value.etag());
        return edge.respondAs(served, etag, ifNoneMatch, () -> html(Response.ok(), render.get()));
    }

    private static Response.ResponseBuilder html(Response.ResponseBuilder response, TemplateInstance page) {
        return response.type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render());
    }
}
