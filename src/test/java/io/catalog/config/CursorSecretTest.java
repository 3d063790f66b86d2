package io.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Production refuses the built-in cursor secret (public in the repository) and short ones, with a clear message. */
class CursorSecretTest {

    private static CatalogConfig config(String secret) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDiscoveredConverters()
                .withMapping(CatalogConfig.class);
        if (secret != null) {
            builder.withDefaultValue("catalog.cursor.secret", secret);
        }
        SmallRyeConfig config = builder.build();
        return config.getConfigMapping(CatalogConfig.class);
    }

    static final java.util.Optional<String> ISSUER = java.util.Optional.of("https://issuer.example.com");

    @Test
    void theBuiltInSecretIsRefusedInProduction() {
        CatalogConfig config = config(null);

        assertThat(config.cursor().secret()).isEqualTo(CatalogConfig.Cursor.BUILT_IN_SECRET);
        assertThat(ProductionChecks.problems(config, ISSUER)).singleElement().asString()
                .contains("catalog.cursor.secret", "CATALOG_CURSOR_SECRET", "built-in");
    }

    @Test
    void aShortSecretIsRefusedInProduction() {
        assertThat(ProductionChecks.problems(config("short"), ISSUER)).hasSize(1);
    }

    @Test
    void aLongRandomSecretIsAccepted() {
        assertThat(ProductionChecks.problems(config("q3J9x0bVt7Yw2LrP8sKd4FhN6mZc1GaE"), ISSUER)).isEmpty();
    }

    @Test
    void productionRequiresATokenIssuer() {
        CatalogConfig config = config("q3J9x0bVt7Yw2LrP8sKd4FhN6mZc1GaE");
        assertThat(ProductionChecks.problems(config, java.util.Optional.empty())).singleElement().asString()
                .contains("mp.jwt.verify.issuer", "MP_JWT_VERIFY_ISSUER");
        assertThat(ProductionChecks.problems(config, java.util.Optional.of(" "))).hasSize(1);
    }
}
