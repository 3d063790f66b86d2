package io.catalog.rest;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request that carries a body must declare it {@code application/json}: without this, a body with no
 * {@code Content-Type} at all would be read as JSON by the resources' {@code @Consumes} and accepted. Requests
 * without a body (a DELETE) need no {@code Content-Type}. Answered 415 by
 * {@link ProblemMappers#unsupported}.
 */
public class JsonBodyFilter {

    @ServerRequestFilter
    public void requireJson(ContainerRequestContext request) {
        if (hasBody(request) && !isJson(request.getHeaderString(HttpHeaders.CONTENT_TYPE))) {
            throw new NotSupportedException();
        }
    }

    static boolean hasBody(ContainerRequestContext request) {
        if (request.getHeaderString("Transfer-Encoding") != null) {
            return true;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        return length != null && !length.trim().equals("0");
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            return type.getType().equalsIgnoreCase("application") && type.getSubtype().equalsIgnoreCase("json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
