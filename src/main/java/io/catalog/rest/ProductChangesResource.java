package io.catalog.rest;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.catalog.config.CatalogConfig;
import io.catalog.model.ProductUpdated;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code GET /events/products}: the live changes this pod applies, as server-sent events (API.md section 3), for
 * the pages' live prices and for any other client. Filters: {@code ids} (1–100) or {@code category}, or neither
 * for every change. {@code Last-Event-ID} (or {@code lastEventId=}, which an {@code EventSource} can set on its
 * first connection) resumes after that sequence.
 */
@Path("/events/products")
@Tag(name = "Live changes")
public class ProductChangesResource {

    static final int MAX_IDS = 100;
    static final String RETRY_AFTER_SECONDS = "5";

    private final ChangeStream changes;
    private final ClientAddress clients;
    /** Open streams per client (a browser tab holds one) and per pod: {@code catalog.live.max-streams*}. */
    private final StreamLimits limits;
    private final int perClient;

    public ProductChangesResource(ChangeStream changes, ClientAddress clients, CatalogConfig config) {
        this.changes = changes;
        this.clients = clients;
        this.perClient = config.live().maxStreamsPerClient();
        this.limits = new StreamLimits(perClient, config.live().maxStreams());
    }

    /** Thrown when a client (or the pod) has as many streams open as it may. */
    static final class TooManyStreams extends RuntimeException {
        TooManyStreams() {
            super("too many live streams", null, false, false);
        }
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live product changes as server-sent events: `event: product`, `id: <sequence>`, data "
            + "{id, category, price, currency, version, sequence, deleted}; `event: reset` when Last-Event-ID is "
            + "too far behind (fetch the current state again)")
    @APIResponse(responseCode = "200", description = "An endless text/event-stream (Cache-Control: no-store)", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = LiveChange.class)))
    @APIResponse(responseCode = "400", description = "Bad ids, category or Last-Event-ID")
    @APIResponse(responseCode = "429", description = "Too many open streams from this client; Retry-After")
    public Multi<OutboundSseEvent> stream(
            @Parameter(description = "Comma-separated product ids (1 to 100)") @QueryParam("ids") String ids,
            @Parameter(description = "One category") @QueryParam("category") String category,
            @Parameter(description = "Resume after this sequence (an EventSource's first connection)", schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("lastEventId") String lastEventIdParameter,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @Context Sse sse, @Context HttpServerRequest request, @Context HttpServerResponse response) {
        Predicate<ProductUpdated> filter = filter(ids, category);
        OptionalLong since = sequence(lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParameter);
        String client = clients.of(request);
        if (!limits.acquire(client)) {
            throw new TooManyStreams();
        }
        // set on the connection itself: the answer's headers leave before the first event
        response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Accel-Buffering", "no");
        return changes.open(filter, since, sse, () -> limits.release(client));
    }

    @ServerExceptionMapper
    public Response tooMany(TooManyStreams e) {
        return Response.fromResponse(Problem.response(429, "too-many-streams", "Too many live streams",
                "At most " + perClient + " live streams may be open per client")).header("Retry-After",
                        RETRY_AFTER_SECONDS)
                .build();
    }

    static Predicate<ProductUpdated> filter(String ids, String category) {
        if (ids != null && category != null) {
            throw ProblemException.badRequest("give ids or category, not both");
        }
        if (category != null) {
            ProblemException.requireCategory(category);
            return event -> event.categories().contains(category);
        }
        if (ids != null) {
            List<String> list = Arrays.asList(ids.split(",", -1));
            if (list.isEmpty() || list.size() > MAX_IDS) {
                throw ProblemException.badRequest("ids must list 1 to " + MAX_IDS + " product ids");
            }
            list.forEach(ProblemException::requireId);
            Set<String> wanted = Set.copyOf(list);
            return event -> wanted.contains(event.productId());
        }
        return event -> true;
    }

    static OptionalLong sequence(String value) {
        if (value == null || value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long sequence = Long.parseLong(value.trim());
            if (sequence >= 0) {
                return OptionalLong.of(sequence);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("Last-Event-ID must be a sequence: a non-negative integer");
    }
}
