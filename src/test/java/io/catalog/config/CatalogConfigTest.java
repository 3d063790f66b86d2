package io.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.catalog.lab.CacheDesign;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;

/**
 * The constraints of {@link CatalogConfig} as SmallRye Config applies them when it builds the configuration (the
 * service does the same at start-up, before any bean: see InvalidConfigurationIT), and the lab switches under their
 * historical names.
 */
class CatalogConfigTest {

    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private static SmallRyeConfig build(Map<String, String> properties, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withMapping(CatalogConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withValidator((BeanValidationConfigValidator) () -> VALIDATOR)
                .withSources(new PropertiesConfigSource(properties, "test", 200))
                .withSources(new EnvConfigSource(environment, 300))
                .build();
    }

    private static CatalogConfig config(Map<String, String> properties) {
        return build(properties, Map.of()).getConfigMapping(CatalogConfig.class);
    }

    @Test
    void defaultsAreValid() {
        CatalogConfig config = config(Map.of());
        assertThat(config.l1().ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.currency()).isEqualTo("USD");
        assertThat(config.lab().l1Enabled()).isTrue();
        assertThat(config.lab().l1Coordinated()).isTrue();
        assertThat(config.lab().l2Enabled()).isTrue();
        assertThat(config.lab().cacheInvalidation()).isTrue();
        assertThat(CacheDesign.of(config)).isEqualTo(CacheDesign.FULL);
        assertThat(CacheDesign.of(config).label()).isEqualTo("full");
    }

    @Test
    void boundsOfTheAllowedRangesAreValid() {
        CatalogConfig config = config(Map.of("catalog.l1.ttl", "1s", "catalog.l2.jitter", "1",
                "catalog.edge.cloudfront.max-in-flight", "3000", "catalog.dax.endpoint", "daxs://cluster:9111"));
        assertThat(config.l1().ttl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config(Map.of("catalog.l1.ttl", "60s")).l1().ttl()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "catalog.l1.ttl                         | 0s        | must be between 1s and 60s",
            "catalog.l1.ttl                         | 90s       | must be between 1s and 60s",
            "catalog.l1.ttl                         | 999ms     | must be between 1s and 60s",
            "catalog.l2.jitter                      | 1.5       | must be between 0 and 1",
            "catalog.l2.jitter                      | -0.1      | must be between 0 and 1",
            "catalog.currency                       | usd       | must be an ISO 4217 code",
            "catalog.dax.endpoint                   | http://x  | must start with dax:// or daxs://",
            "catalog.dynamodb.write-concurrency     | 0         | must be greater than or equal to 1",
            "catalog.edge.max-age                   | -1s       | must not be negative",
            "catalog.edge.purge.window              | -1s       | must not be negative",
            "catalog.edge.purge.retries             | -1        | must be greater than or equal to 0",
            "catalog.edge.cloudfront.max-in-flight  | 0         | must be greater than or equal to 1",
            "catalog.edge.cloudfront.max-in-flight  | 3001      | must be less than or equal to 3000",
            "catalog.edge.cloudfront.monthly-path-budget | -1   | must be greater than or equal to 0" })
    void aValueOutOfItsRangeIsRefusedByName(String property, String value, String message) {
        assertThatThrownBy(() -> config(Map.of(property, value)))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining(property + " " + message);
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        assertThatThrownBy(() -> config(Map.of("catalog.l1.ttl", "0s", "catalog.currency", "usd")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("catalog.l1.ttl").hasMessageContaining("catalog.currency");
    }

    @Test
    void labSwitchesKeepTheirEnvironmentNames() {
        CatalogConfig config = build(Map.of(), Map.of("CATALOG_L1_ENABLED", "false", "CATALOG_L1_COORDINATED", "false",
                "CATALOG_L2_ENABLED", "false", "CATALOG_CACHE_INVALIDATION", "false"))
                .getConfigMapping(CatalogConfig.class);
        assertThat(config.lab().l1Enabled()).isFalse();
        assertThat(config.lab().l1Coordinated()).isFalse();
        assertThat(config.lab().l2Enabled()).isFalse();
        assertThat(config.lab().cacheInvalidation()).isFalse();
        assertThat(CacheDesign.of(config).label()).isEqualTo("no-l1 no-l2 no-invalidation");
        assertThat(CacheDesign.of(config).pagesFromEntries()).isFalse();
    }

    @Test
    void theLabsBaselinesAreNamedDesigns() {
        CatalogConfig ttlOnly = build(Map.of(), Map.of("CATALOG_L1_COORDINATED", "false"))
                .getConfigMapping(CatalogConfig.class);
        assertThat(CacheDesign.of(ttlOnly)).isEqualTo(new CacheDesign(true, false, true, true));
        assertThat(CacheDesign.of(ttlOnly).label()).isEqualTo("ttl-only-l1");
        assertThat(CacheDesign.of(ttlOnly).coordinatedL1()).isFalse();
        assertThat(CacheDesign.of(ttlOnly).summariesInRedis()).isTrue();
    }
}
