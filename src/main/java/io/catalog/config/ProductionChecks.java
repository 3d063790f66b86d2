package io.catalog.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * What production (the packaged application, not dev or test mode) refuses on top of the value constraints of
 * {@link CatalogConfig}, which SmallRye Config checks before any bean starts: settings that are valid values but
 * must not be left at the repository's public defaults. Runs first among the start-up observers (priority 1, before
 * the table manager's 10), so a refused configuration touches no store.
 */
@ApplicationScoped
public class ProductionChecks {

    /** Shortest cursor secret production accepts. */
    static final int CURSOR_SECRET_MIN_LENGTH = 32;

    void onStart(@Observes @Priority(1) StartupEvent event, CatalogConfig config) {
        if (LaunchMode.current().isDevOrTest()) {
            return;
        }
        List<String> problems = problems(config,
                ConfigProvider.getConfig().getOptionalValue("mp.jwt.verify.issuer", String.class));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid production configuration: " + String.join("; ", problems));
        }
    }

    /**
     * What production refuses in {@code config} and the token issuer it is given ({@code mp.jwt.verify.issuer});
     * empty when it may start.
     */
    public static List<String> problems(CatalogConfig config, Optional<String> issuer) {
        List<String> problems = new ArrayList<>();
        if (issuer.filter(i -> !i.isBlank()).isEmpty()) {
            problems.add("mp.jwt.verify.issuer (MP_JWT_VERIFY_ISSUER) must be set in production: without it an admin"
                    + " token from any issuer that signs with the configured key would be accepted");
        }
        String secret = config.cursor().secret();
        if (secret.equals(CatalogConfig.Cursor.BUILT_IN_SECRET) || secret.length() < CURSOR_SECRET_MIN_LENGTH) {
            problems.add("catalog.cursor.secret (CATALOG_CURSOR_SECRET) must be set in production to a random secret"
                    + " of at least " + CURSOR_SECRET_MIN_LENGTH + " characters, the same on every instance; the"
                    + " built-in one is public and lets anyone forge pagination cursors");
        }
        return problems;
    }
}
