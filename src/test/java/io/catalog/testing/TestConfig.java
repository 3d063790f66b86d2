package io.catalog.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.catalog.config.CatalogConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The service's {@link CatalogConfig} outside Quarkus, for unit tests: its defaults plus the given properties. */
public final class TestConfig {

    private TestConfig() {
    }

    /** {@code catalog.*} with its defaults, overridden by {@code properties} (full names: {@code catalog.currency}). */
    public static CatalogConfig catalog(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(CatalogConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "1s", "200ms" as Quarkus reads them
                .withConverter(MemorySize.class, 200, new MemorySizeConverter()) // "64M"
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 500))
                .build().getConfigMapping(CatalogConfig.class);
    }
}
