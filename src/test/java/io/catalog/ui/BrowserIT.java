package io.catalog.ui;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.catalog.edge.RecordedCloudFrontEndpoint;
import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * The web pages in a real browser: Debian's headless {@code chromium} driven by {@code playwright-core} (npm, no
 * browser download) from {@code src/test/js/ui-browser.mjs}, against two pods of the packaged service. An open
 * product page on pod A shows a price written through pod B within 2 s without a reload, the dashboard shows that
 * change and the operational panels, the admin console changes a price and shows a 412 conflict, and no page logs a
 * console error. The pods invalidate a (recorded) CloudFront by cache tag. The screenshots in
 * {@code docs/screenshots/} are made here.
 */
class BrowserIT {

    static final Path SCRIPT = Path.of("src", "test", "js", "ui-browser.mjs");
    static final Path SCREENSHOTS = Path.of("docs", "screenshots");
    static final String CATEGORY = "kitchen";
    static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theStorefrontTheAdminConsoleAndTheDashboardWorkInABrowser() throws Exception {
        Path chromium = Path.of(System.getProperty("catalog.chromium", "/usr/bin/chromium"));
        assertThat(Files.isExecutable(chromium)).as("%s (apt-get install chromium; .ci/run does)", chromium).isTrue();
        Path root = PodCluster.projectRoot();

        try (RecordedCloudFrontEndpoint cloudFront = new RecordedCloudFrontEndpoint();
                PodCluster cluster = PodCluster.start(2, Map.of("CATALOG_EDGE_CLOUDFRONT_DISTRIBUTION_ID", "E2BROWSER",
                        "CATALOG_EDGE_CLOUDFRONT_ENDPOINT_OVERRIDE", cloudFront.uri().toString(),
                        "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"))) {
            Pod a = cluster.pod(0);
            Pod b = cluster.pod(1);
            create(admin(a), "kettle", "Electric kettle", CATEGORY, "39.90");
            create(admin(a), "teapot", "Cast-iron teapot", CATEGORY, "54.00");
            create(admin(a), "mug", "Stoneware mug", CATEGORY, "12.50");
            create(admin(a), "scarf", "Wool scarf", "clothing", "25.00");

            ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString()).directory(root.toFile());
            node.environment().putAll(Map.of("POD_A", base(a), "POD_B", base(b), "TOKEN", cluster.adminToken(),
                    "PRODUCT", "kettle", "OTHER", "teapot", "CATEGORY", CATEGORY,
                    "SCREENSHOTS", root.resolve(SCREENSHOTS).toString(), "CHROMIUM", chromium.toString()));
            Path log = Files.createDirectories(root.resolve("target/local-stack")).resolve("ui-browser.log");
            node.redirectError(log.toFile());
            Process process = node.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("browser script did not finish within " + SCRIPT_TIMEOUT + "; see " + log);
            }
            String output = new String(out, StandardCharsets.UTF_8).trim();
            JsonNode result = lastJsonLine(output, log);

            List<String> failed = new ArrayList<>();
            result.path("checks").fields().forEachRemaining(check -> {
                if (!check.getValue().path("ok").asBoolean()) {
                    failed.add(check.getKey() + ": " + check.getValue().path("detail").asText());
                }
            });
            assertThat(failed).as("failed browser checks").isEmpty();
            assertThat(result.path("checks").size()).as("checks run").isGreaterThanOrEqualTo(15);
            assertThat(result.path("consoleErrors")).as("console errors").isEmpty();
            for (String page : List.of("home", "category", "product", "dashboard", "admin")) {
                assertThat(root.resolve(SCREENSHOTS).resolve(page + ".png")).as("screenshot").isNotEmptyFile();
            }
            assertThat(process.exitValue()).as("script exit; see %s", log).isZero();
            await("the price change invalidated at the (recorded) CloudFront by its cache tags")
                    .atMost(Duration.ofSeconds(20)).until(() -> cloudFront.paths().contains("#product-kettle"));
            assertThat(cloudFront.paths()).contains("#category-" + CATEGORY, "#products")
                    .allMatch(item -> item.startsWith("#"));
        }
    }

    private static JsonNode lastJsonLine(String output, Path log) throws IOException {
        String[] lines = output.split("\n");
        String last = lines.length == 0 ? "" : lines[lines.length - 1];
        if (!last.startsWith("{")) {
            throw new AssertionError("no result from the browser script: " + output + "; see " + log);
        }
        return JSON.readTree(last);
    }

    private static String base(Pod pod) {
        return pod.uri("").toString();
    }
}
