package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;

import io.quarkus.test.junit.QuarkusTest;

/** The application's ObjectMapper is the one JacksonSetup customized, Instants included (after Quarkus' modules). */
@QuarkusTest
class JacksonSetupTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void instantsGoThroughIsoInstants() throws Exception {
        assertThat(mapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isTrue();
        assertThat(mapper.getSerializerProviderInstance().findValueSerializer(Instant.class).getClass().getName())
                .startsWith(IsoInstants.class.getName());
        DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createInstance(mapper.getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(mapper.constructType(Instant.class)).getClass().getName())
                .startsWith(IsoInstants.class.getName());
        assertThat(mapper.readValue("\"2026-12-07T00:47:30.5Z\"", Instant.class))
                .isEqualTo(Instant.parse("2026-12-07T00:47:30.500Z"));
    }
}
