package io.catalog.rest;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.catalog.config.CatalogConfig;
import io.catalog.service.ChangeNotConfirmed;
import io.catalog.service.OutboxFull;
import io.catalog.store.StoreUnavailable;
import io.catalog.store.StoreUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every error as {@code application/problem+json}, including the framework's own (401, 403, 404 of unknown paths,
 * 405, 406, 415, bad JSON). Nothing of an exception but its status reaches the client; unexpected failures are
 * logged here and answered with a generic 500.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** What a 503 tells a client to wait: the store's circuit breaker delay, in whole seconds, at least 1. */
    private final String retryAfter;

    public ProblemMappers(CatalogConfig config) {
        this.retryAfter = Long.toString(retryAfterSeconds(config.dynamodb().breaker().delay()));
    }

    /** {@code delay} rounded up to whole seconds, at least 1: an open breaker fails calls for that long. */
    static long retryAfterSeconds(Duration delay) {
        return Math.max(1, (delay.toMillis() + 999) / 1000);
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.response();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        Map<String, Object> errors = e.getConstraintViolations().stream().collect(Collectors.toMap(
                ProblemMappers::field, ConstraintViolation::getMessage, (a, b) -> a + "; " + b,
                TreeMap::new));
        String detail = errors.entrySet().stream().map(x -> x.getKey() + ": " + x.getValue())
                .collect(Collectors.joining(", "));
        return Problem.response(400, "invalid-request", "Invalid request", detail, Map.of("errors", errors));
    }

    /** {@code put.body.updates[3].price} becomes {@code updates[3].price}. */
    private static String field(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        String detail = "The request body is not valid JSON";
        String original = e.getOriginalMessage();
        if (original != null && original.startsWith("Duplicate field")) {
            detail = "The request body names a key more than once (" + original.substring("Duplicate field ".length())
                    + ")";
        } else if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            detail = "Field '" + field + "' is missing, unknown or of the wrong JSON type";
        }
        return Problem.response(400, "invalid-json", "Invalid JSON", detail);
    }

    /** More specific than {@link JsonProcessingException}, so that it wins over the framework's own mapper. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response badRequest(BadRequestException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        return Problem.response(400, "bad-request", "Bad request", "The request could not be read");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthenticated();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthenticated();
    }

    private static Response unauthenticated() {
        return Response.fromResponse(Problem.response(401, "unauthorized", "Unauthorized",
                "A valid bearer token is required")).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(403, "forbidden", "Forbidden", "The token does not grant the catalog-admin group");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.response(404, "not-found", "Not found", "No resource at this path");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        Response problem = Problem.response(405, "method-not-allowed", "Method not allowed",
                "This resource does not support this method");
        return Response.fromResponse(problem).header(HttpHeaders.ALLOW, AllowedMethods.of(uri.getPath())).build();
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return Problem.response(415, "unsupported-media-type", "Unsupported media type",
                "Send the request body as application/json");
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return Problem.response(406, "not-acceptable", "Not acceptable", "This resource answers application/json");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
            return Problem.response(500, "internal-error", "Internal error", "The request could not be completed");
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        if (status == 400 && e.getClass() == WebApplicationException.class) {
            return Problem.response(400, "invalid-json", "Invalid JSON", "The request body is not valid JSON");
        }
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return Problem.response(status, "http-" + status, reason, reason);
    }

    /** The store cannot answer (hung, unreachable, failing, throttling beyond the SDK's backoff, breaker open). */
    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailable e) {
        LOG.warnf("The source of truth is unavailable: %s", e.getMessage());
        return unavailableResponse(e.throttled() ? "The catalog's data store is busy; retry later"
                : "The catalog's data store is unavailable; retry later");
    }

    @ServerExceptionMapper
    public Response unavailable(SdkException e) {
        LOG.warn("The source of truth is unavailable", e);
        return unavailableResponse("The catalog's data store is unavailable; retry later");
    }

    /** DynamoDB kept keys unprocessed (throttling): the same 503 as an outage, without a stack trace in the log. */
    @ServerExceptionMapper
    public Response throttled(StoreUnavailableException e) {
        LOG.warnf("The source of truth is throttling: %s", e.getMessage());
        return unavailableResponse("The catalog's data store is unavailable; retry later");
    }

    private Response unavailableResponse(String detail) {
        return retryLater("unavailable", "Service unavailable", detail);
    }

    /** A 503 problem with the breaker's {@code Retry-After}: every answer of a dependency that cannot answer now. */
    private Response retryLater(String type, String title, String detail) {
        return Response.fromResponse(Problem.response(503, type, title, detail))
                .header(HttpHeaders.RETRY_AFTER, retryAfter).build();
    }

    /** A change stored but not published in time: not acknowledged (docs/COHERENCE.md, "When Redis is down"). */
    @ServerExceptionMapper
    public Response notConfirmed(ChangeNotConfirmed e) {
        LOG.warnf("A write was stored but not acknowledged: %s", e.getMessage());
        return retryLater("change-not-confirmed", "Change not confirmed",
                "The change was stored but could not be confirmed on every instance (the cache tier is unavailable); it"
                        + " is published as soon as that is back. Read the product before retrying.");
    }

    /** A write refused, nothing stored: its item's outbox is full while the sinks are down (COHERENCE.md). */
    @ServerExceptionMapper
    public Response outboxFull(OutboxFull e) {
        LOG.warnf("A write was refused: %s", e.getMessage());
        return retryLater("events-pending", "Events pending",
                "This product has too many changes whose events are not yet published (the event tier is"
                        + " unavailable); nothing was changed. Retry once it is back.");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StoreUnavailable store) {
            return storeUnavailable(store);
        }
        if (cause instanceof SdkException sdk) {
            return unavailable(sdk);
        }
        if (cause instanceof StoreUnavailableException throttled) {
            return throttled(throttled);
        }
        if (cause instanceof ChangeNotConfirmed pending) {
            return notConfirmed(pending);
        }
        if (cause instanceof OutboxFull full) {
            return outboxFull(full);
        }
        LOG.error("Request failed", e);
        return Problem.response(500, "internal-error", "Internal error", "The request could not be completed");
    }
}
