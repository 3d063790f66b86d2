package io.catalog.rest;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import io.catalog.model.Validation;

/** A request the service refuses, with the problem document to answer. */
public class ProblemException extends RuntimeException {

    private final transient Response response;

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, Map.of());
    }

    public ProblemException(int status, String slug, String title, String detail, Map<String, Object> extra) {
        super(detail, null, false, false);
        this.response = Problem.response(status, slug, title, detail, extra);
    }

    public Response response() {
        return response;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail);
    }

    /** Refuses an id that API.md section 2 does not allow. */
    public static void requireId(String id) {
        if (!Validation.isId(id)) {
            throw badRequest("id " + Validation.ID_RULE);
        }
    }

    /** Refuses a category that API.md section 2 does not allow. */
    public static void requireCategory(String category) {
        if (!Validation.isCategory(category)) {
            throw badRequest("category " + Validation.CATEGORY_RULE);
        }
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }
}
