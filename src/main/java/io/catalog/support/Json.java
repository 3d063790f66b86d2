package io.catalog.support;

import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.Startup;

/**
 * The service's one JSON codec (the Quarkus-configured ObjectMapper), for bodies, cache entries and events. Created
 * at start-up, so that the first request does not pay for the mapper.
 */
@Startup
@Singleton
public class Json {

    private final ObjectMapper mapper;

    public Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    public <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + type.getSimpleName(), e);
        }
    }

    /** {@code json}, an object, with its number field {@code field} set to {@code value}; every other field as it was. */
    public String withNumber(String json, String field, long value) {
        try {
            // decimals as written (a price of 10.00 stays 10.00)
            ObjectNode node = (ObjectNode) mapper.reader().with(JsonNodeFactory.withExactBigDecimals(true))
                    .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(json);
            node.put(field, value);
            return mapper.writeValueAsString(node);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("Cannot set " + field + " of " + json, e);
        }
    }
}
