package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.catalog.config.CatalogConfig.Edge.Cloudfront.InvalidateBy;
import io.catalog.model.ProductUpdated;
import io.catalog.testing.MutableClock;
import io.catalog.testing.RedisDataSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontAsyncClient;

/**
 * {@link CloudFrontTarget} through the real AWS SDK client against a {@link RecordedCloudFrontEndpoint} (a local
 * recorder of the SDK's requests, not CloudFront) and a real Redis for the shared monthly budget.
 */
class CloudFrontTargetTest {

    private static final String DISTRIBUTION = "E2RECORDED";
    private static final String BUDGET_PREFIX = "catalog:edge:cloudfront:paths:";
    private static RedisDataSources redis;
    private RecordedCloudFrontEndpoint endpoint;
    private SimpleMeterRegistry registry;
    private ScheduledExecutorService scheduler;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = new RedisDataSources();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void startEndpoint() throws Exception {
        endpoint = new RecordedCloudFrontEndpoint();
        registry = new SimpleMeterRegistry();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        redis.server.command("FLUSHALL");
    }

    @AfterEach
    void stopEndpoint() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        endpoint.close();
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private CloudFrontTarget target(long budget, int maxInFlight, MutableClock clock) {
        return target(InvalidateBy.TAGS, budget, maxInFlight, clock);
    }

    private CloudFrontTarget target(InvalidateBy invalidateBy, long budget, int maxInFlight, MutableClock clock) {
        CloudFrontAsyncClient client = CloudFrontAsyncClient.builder().region(Region.AWS_GLOBAL)
                .endpointOverride(endpoint.uri()).httpClientBuilder(AwsCrtAsyncHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        CloudFrontTarget target = new CloudFrontTarget(client, DISTRIBUTION, invalidateBy, redis.reactive, BUDGET_PREFIX,
                budget, maxInFlight, Duration.ofMillis(50), clock, scheduler, registry);
        closeables.add(target);
        return target;
    }

    private static Set<String> productKeys(int from, int to) {
        Set<String> keys = new LinkedHashSet<>();
        for (int i = from; i < to; i++) {
            keys.add("product-p" + i);
        }
        return keys;
    }

    private static long budgetUsed(String month) {
        String reply = redis.server.command("GET", BUDGET_PREFIX + month);
        return reply.startsWith("$-1") ? 0 : Long.parseLong(reply.split("\r\n")[1]);
    }

    private double exhaustedGauge() {
        return registry.get("catalog.edge.purge.budget.exhausted").gauge().value();
    }

    @Test
    void recordedEndpoint_aChangeIsInvalidatedByTheCacheTagsOfItsSurrogateKeys() throws Exception {
        CloudFrontTarget target = target(10_000, 3000, new MutableClock(Instant.parse("2026-11-05T10:00:00Z")));
        ProductUpdated moved = EdgePurgerTest.event("sku-42", "tv", "radio");

        assertThat(purgeOnce(target, moved)).isTrue();

        assertThat(endpoint.calls).hasSize(1);
        assertThat(endpoint.calls.get(0).distributionId()).isEqualTo(DISTRIBUTION);
        assertThat(endpoint.calls.get(0).paths()).as("one #tag item per surrogate key of the change")
                .containsExactlyInAnyOrder("#product-sku-42", "#category-tv", "#category-radio", "#products");
        assertThat(budgetUsed("2026-11")).as("each tag counts as one path").isEqualTo(4);
    }

    @Test
    void recordedEndpoint_pathsFallbackInvalidatesTheExactPathsOfAChange() throws Exception {
        CloudFrontTarget target = target(InvalidateBy.PATHS, 10_000, 3000,
                new MutableClock(Instant.parse("2026-11-05T10:00:00Z")));
        ProductUpdated moved = EdgePurgerTest.event("sku-42", "tv", "radio");

        assertThat(purgeOnce(target, moved)).isTrue();

        assertThat(endpoint.calls).hasSize(1);
        assertThat(endpoint.calls.get(0).paths()).containsExactlyInAnyOrder("/products/sku-42", "/categories/tv/summary",
                "/products?category=tv", "/categories/radio/summary", "/products?category=radio", "/products");
        assertThat(budgetUsed("2026-11")).isEqualTo(6);
    }

    private boolean purgeOnce(CloudFrontTarget target, ProductUpdated event) throws Exception {
        EdgePurger purger = new EdgePurger(List.of(target), Duration.ofMillis(20), 0, Duration.ofMillis(20),
                Duration.ZERO, scheduler, registry);
        return purger.submit(List.of(event)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void recordedEndpoint_keysOf500EventsBecomeOneInvalidationOfDistinctTags() throws Exception {
        CloudFrontTarget target = target(10_000, 3000, new MutableClock(Instant.parse("2026-11-05T10:00:00Z")));
        List<String> items = purge500Events(target);

        assertThat(items).doesNotHaveDuplicates().hasSize(250 + 6 + 1)
                .contains("#product-p0", "#product-p249", "#category-c3", "#category-old", "#products")
                .allMatch(item -> item.startsWith("#")).noneMatch(item -> item.contains("*"));
        assertThat(budgetUsed("2026-11")).isEqualTo(firstCall.size() + items.size());
    }

    @Test
    void recordedEndpoint_keysOf500EventsBecomeOneInvalidationOfDistinctExactPaths() throws Exception {
        CloudFrontTarget target = target(InvalidateBy.PATHS, 10_000, 3000,
                new MutableClock(Instant.parse("2026-11-05T10:00:00Z")));
        List<String> paths = purge500Events(target);

        assertThat(paths).doesNotHaveDuplicates().hasSize(250 + 6 * 2 + 1)
                .contains("/products/p0", "/products/p249", "/categories/c3/summary", "/products?category=c3",
                        "/categories/old/summary", "/products?category=old", "/products")
                .noneMatch(path -> path.contains("*") || path.startsWith("#"));
        assertThat(budgetUsed("2026-11")).isEqualTo(firstCall.size() + paths.size());
    }

    /** The items of the first submission's immediate call, kept by {@link #purge500Events}. */
    private List<String> firstCall = List.of();

    /**
     * 500 events on 250 products in 5 categories (one moved from "old"), in 5 submissions within one window (2 s: a loaded
     * machine must not split the burst).
     *
     * @return the items of the batched call (the first submission's own call is kept in {@link #firstCall})
     */
    private List<String> purge500Events(CloudFrontTarget target) throws Exception {
        EdgePurger purger = new EdgePurger(List.of(target), Duration.ofSeconds(2), 3, Duration.ofMillis(20), Duration.ZERO,
                scheduler, registry);
        List<CompletionStage<Boolean>> done = new ArrayList<>();
        // the first change of a quiet period is purged at once; the burst that follows within its window is one batch
        done.add(purger.submit(List.of(EdgePurgerTest.event("first", "c0", null))));
        for (int batch = 0; batch < 5; batch++) {
            List<ProductUpdated> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int product = (batch * 100 + i) % 250;
                events.add(EdgePurgerTest.event("p" + product, "c" + product % 5, product == 7 ? "old" : null));
            }
            done.add(purger.submit(events));
        }
        for (CompletionStage<Boolean> stage : done) {
            assertThat(stage.toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
        }
        // the first submission of a quiet period goes at once; the four that follow within the window are one batch
        assertThat(endpoint.calls).hasSize(2);
        assertThat(endpoint.calls).allMatch(call -> call.distributionId().equals(DISTRIBUTION));
        assertThat(registry.get("catalog.edge.purges").tags("target", "cloudfront", "outcome", "success").counter()
                .count()).isEqualTo(2);
        firstCall = endpoint.calls.get(0).paths();
        return endpoint.calls.get(1).paths();
    }

    @Test
    void recordedEndpoint_neverMorePathsInProgressThanTheInFlightLimit() throws Exception {
        CloudFrontTarget target = target(10_000, 100, new MutableClock(Instant.parse("2026-11-05T10:00:00Z")));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CompletionStage<Void> done = target.purge(productKeys(0, 250))
                .onFailure(CloudFrontTarget.InFlightLimitException.class).invoke(failures::add)
                .onFailure(CloudFrontTarget.InFlightLimitException.class).retry()
                .withBackOff(Duration.ofMillis(20), Duration.ofMillis(40)).atMost(500)
                .subscribeAsCompletionStage();

        await("the limit holds the rest back").atMost(Duration.ofSeconds(10))
                .until(() -> endpoint.calls.size() == 1 && failures.size() >= 3);
        assertThat(endpoint.calls).as("the rest waits for capacity").hasSize(1);
        assertThat(endpoint.calls.get(0).paths()).hasSize(100);
        assertThat(target.inFlight()).isEqualTo(100);

        await("every path invalidated as capacity frees up").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    endpoint.completeAll();
                    return done.toCompletableFuture().isDone();
                });
        done.toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertThat(endpoint.calls).hasSize(3);
        assertThat(endpoint.maxPathsInProgress()).isLessThanOrEqualTo(100);
        assertThat(endpoint.paths()).doesNotHaveDuplicates().hasSize(250).allMatch(item -> item.startsWith("#product-"));
    }

    @Test
    void recordedEndpoint_monthlyBudgetStopsInvalidationsUntilTheNextMonth() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T23:59:00Z"));
        CloudFrontTarget target = target(300, 3000, clock);
        List<LogRecord> warnings = captureWarnings();

        purge(target, productKeys(0, 200));
        assertThat(endpoint.paths()).hasSize(200);
        assertThat(exhaustedGauge()).isZero();

        purge(target, productKeys(200, 400));
        assertThat(endpoint.calls).hasSize(2);
        assertThat(endpoint.paths()).hasSize(300);
        assertThat(exhaustedGauge()).isEqualTo(1);

        purge(target, productKeys(400, 450));
        assertThat(endpoint.calls).as("no call once the budget is used up").hasSize(2);
        assertThat(budgetUsed("2026-11")).isEqualTo(300);
        assertThat(exhaustedGauge()).isEqualTo(1);
        assertThat(warnings).as("one WARN line for the month").hasSize(1);
        assertThat(warnings.get(0).getMessage()).contains("2026-11");

        clock.set(Instant.parse("2026-12-01T00:00:01Z"));
        assertThat(exhaustedGauge()).as("a new month has a new budget").isZero();
        purge(target, productKeys(450, 500));
        assertThat(endpoint.calls).hasSize(3);
        assertThat(budgetUsed("2026-12")).isEqualTo(50);
        assertThat(endpoint.paths()).doesNotHaveDuplicates().noneMatch(path -> path.contains("*"));
    }

    private static void purge(CloudFrontTarget target, Set<String> keys) {
        Uni<Void> purge = target.purge(keys);
        purge.await().atMost(Duration.ofSeconds(10));
    }

    private List<LogRecord> captureWarnings() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(CloudFrontTarget.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        closeables.add(() -> logger.removeHandler(handler));
        return records;
    }
}
