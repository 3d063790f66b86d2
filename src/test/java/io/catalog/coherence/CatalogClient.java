package io.catalog.coherence;

import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.awaitility.core.ConditionFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.catalog.testing.Pod;

/** Admin writes and public reads against one pod, over real HTTP. */
final class CatalogClient {

    /** Prices parsed as the exact decimals written, never through a binary float. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final String token;

    CatalogClient(String token) {
        this.token = token;
    }

    /** A product as a pod served it: status, version (X-Cache-Version), tier and price. */
    record Read(int status, long sequence, String tier, BigDecimal price, long version) {
    }

    Read read(Pod pod, String id) {
        HttpResponse<String> response = pod.get("/products/" + id);
        long sequence = response.headers().firstValueAsLong("X-Cache-Version").orElse(-1);
        String tier = response.headers().firstValue("X-Cache").orElse("?");
        if (response.statusCode() != 200) {
            return new Read(response.statusCode(), sequence, tier, null, -1);
        }
        JsonNode body = parse(response.body());
        return new Read(200, sequence, tier, body.get("price").decimalValue(), body.get("version").asLong());
    }

    /** Awaitility polling every 5 ms, from at once, up to {@code bound}: the bound is the property under test. */
    static ConditionFactory within(Duration bound) {
        return within(bound, Duration.ofMillis(5));
    }

    /** Awaitility polling every {@code interval}, from at once, up to {@code bound}. */
    static ConditionFactory within(Duration bound, Duration interval) {
        return await().atMost(bound).pollDelay(Duration.ZERO).pollInterval(interval);
    }

    /**
     * Reads {@code id} on every pod until it answers from L1, so that every pod holds it there (which also proves
     * that every pod reads its feed: L1 is bypassed otherwise).
     */
    void warm(List<Pod> pods, String id, Duration bound) {
        for (Pod pod : pods) {
            within(bound).alias(pod + " answers " + id + " from L1").until(() -> readOrRetry(pod, id),
                    read -> read.tier().equals("L1"));
        }
    }

    /** Reads {@code id} on every pod until each serves {@code price}, within {@code bound} per pod. */
    void everyPodServes(List<Pod> pods, String id, String price, Duration bound) {
        BigDecimal expected = new BigDecimal(price);
        for (Pod pod : pods) {
            within(bound).alias(pod + " serves " + id + " at " + price).until(() -> readOrRetry(pod, id),
                    read -> read.status() == 200 && read.price().compareTo(expected) == 0);
        }
    }

    /**
     * A read for a wait-until loop: a request that failed in transport (a connection the client had pooled, closed
     * across a pod's freeze) is printed and read as "not yet", so the loop asks again within its bound; a pod that
     * keeps failing or hanging still fails the wait.
     */
    private Read readOrRetry(Pod pod, String id) {
        try {
            return read(pod, id);
        } catch (java.io.UncheckedIOException e) {
            System.out.printf("  %s: %s (asked again)%n", e.getMessage(), e.getCause());
            return new Read(-1, -1, "transport-error", null, -1);
        }
    }

    JsonNode summary(Pod pod, String category) {
        HttpResponse<String> response = pod.get("/categories/" + category + "/summary");
        return response.statusCode() == 200 ? parse(response.body()) : null;
    }

    JsonNode put(Pod pod, String id, String category, String price) {
        return write(pod, "PUT", "/admin/products/" + id,
                "{\"name\":\"Item " + id + "\",\"category\":\"" + category + "\",\"price\":" + price + "}", 200, 201);
    }

    JsonNode patchPrice(Pod pod, String id, String price) {
        return write(pod, "PATCH", "/admin/products/" + id + "/price", "{\"price\":" + price + "}", 200);
    }

    void delete(Pod pod, String id) {
        write(pod, "DELETE", "/admin/products/" + id, null, 204);
    }

    JsonNode batch(Pod pod, List<String> ids, String price) {
        return write(pod, "POST", "/admin/prices/batch", batchBody(ids, price), 200);
    }

    /**
     * A batch sent again while it answers 503 (stored, not acknowledged: its publish ran past its 2 s on a loaded
     * machine), as a client told "read the product before retrying" would, up to three times: the acknowledged one.
     */
    JsonNode batchAcknowledged(Pod pod, List<String> ids, String price) {
        for (int attempt = 1;; attempt++) {
            HttpResponse<String> response = exchange(pod, "POST", "/admin/prices/batch", batchBody(ids, price));
            if (response.statusCode() == 200) {
                return parse(response.body());
            }
            if (response.statusCode() != 503 || attempt == 3) {
                throw new AssertionError("POST /admin/prices/batch on " + pod + " answered " + response.statusCode()
                        + " (attempt " + attempt + "): " + response.body());
            }
            System.out.printf("  %s answered a batch 503 (attempt %d), sent again: %s%n", pod, attempt,
                    response.body());
        }
    }

    private static String batchBody(List<String> ids, String price) {
        StringBuilder body = new StringBuilder("{\"updates\":[");
        for (int i = 0; i < ids.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids.get(i)).append("\",\"price\":")
                    .append(price).append('}');
        }
        return body.append("]}").toString();
    }

    /**
     * A PATCH of the price that may also answer 503 (not acknowledged: Redis failing over, or the store); the product,
     * or {@code null} for a 503.
     */
    JsonNode patchPriceUnlessUnavailable(Pod pod, String id, String price) {
        JsonNode answer = write(pod, "PATCH", "/admin/products/" + id + "/price", "{\"price\":" + price + "}", 200,
                503);
        return answer != null && answer.has("version") ? answer : null;
    }

    /** A PATCH of the price that must answer {@code status}; its problem document or body. */
    JsonNode patchPrice(Pod pod, String id, String price, int status) {
        return write(pod, "PATCH", "/admin/products/" + id + "/price", "{\"price\":" + price + "}", status);
    }

    /** A change acknowledged with 200: the product's version and the sequence of its event (X-Cache-Version). */
    record Written(long version, long sequence) {
    }

    /** A PATCH of the price that must answer 200; what it wrote. */
    Written patchPriceWritten(Pod pod, String id, String price) {
        HttpResponse<String> response = exchange(pod, "PATCH", "/admin/products/" + id + "/price",
                "{\"price\":" + price + "}");
        if (response.statusCode() != 200) {
            throw new AssertionError("PATCH of " + id + " on " + pod + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return new Written(parse(response.body()).path("version").asLong(),
                Long.parseLong(response.headers().firstValue("X-Cache-Version").orElseThrow()));
    }

    private JsonNode write(Pod pod, String method, String path, String body, int... expected) {
        HttpResponse<String> response = exchange(pod, method, path, body);
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response.body().isEmpty() ? null : parse(response.body());
            }
        }
        throw new AssertionError(method + " " + path + " on " + pod + " answered " + response.statusCode() + ": "
                + response.body());
    }

    private HttpResponse<String> exchange(Pod pod, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(pod.uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return pod.send(request.build());
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }
}
