package io.catalog.edge;

import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig.Edge.Cloudfront.InvalidateBy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.cloudfront.CloudFrontAsyncClient;
import software.amazon.awssdk.services.cloudfront.model.CreateInvalidationRequest;
import software.amazon.awssdk.services.cloudfront.model.GetInvalidationResponse;

/**
 * CloudFront invalidation: each batch of surrogate keys becomes one {@code CreateInvalidation} of distinct items,
 * by default the keys themselves as cache tags ({@code #product-42}, {@link CloudFrontTags}), which drop every
 * representation the origin tagged with them (its {@code Cache-Tag} header, named by the distribution's cache-tag
 * setting), listing pages with any {@code limit} or cursor included; or, as a fallback for a distribution without
 * cache tags ({@code catalog.edge.cloudfront.invalidate-by=paths}), the exact paths the keys stand for
 * ({@link CloudFrontPaths}), never a wildcard. Tags and paths travel in the same {@code InvalidationBatch.Paths}
 * list and are counted alike: below, "paths" means items of either kind.
 *
 * <p>
 * Two limits apply. CloudFront accepts at most 3,000 exact paths in progress per distribution
 * ({@code catalog.edge.cloudfront.max-in-flight}): this pod counts the items of its invalidations
 * ({@link InFlightPaths}) until {@code GetInvalidation} reports them {@code Completed} (polled every
 * {@code poll-interval} on Quarkus' scheduler, only while some are in progress; after 15 minutes they are assumed
 * completed), sends what fits and fails the rest with {@link InFlightLimitException}, which the purger retries with
 * backoff. The limit is per distribution and this count is per pod; CloudFront's own
 * {@code TooManyInvalidationsInProgress} answer is retried the same way. Second, invalidations cost money past the
 * free 1,000 paths a month, and each tag is billed as one path: a shared {@link MonthlyBudget} in Redis grants items
 * before they are sent and takes back what a failed call did not use. Beyond it the batch is dropped (the edge relies
 * on {@code max-age}), gauge {@code catalog.edge.purge.budget.exhausted} is 1 and one WARN line is logged per pod and
 * month.
 *
 * <p>
 * A retry of a batch sends only the items not yet invalidated, under the same caller reference per chunk, so
 * CloudFront does not create (and bill) a second invalidation for a call that succeeded but whose answer was lost.
 */
public class CloudFrontTarget implements EdgeTarget, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CloudFrontTarget.class);
    static final String COMPLETED = "Completed";

    private final CloudFrontAsyncClient client;
    private final String distributionId;
    private final InvalidateBy invalidateBy;
    private final MonthlyBudget budget;
    private final InFlightPaths inFlight;
    private final Clock clock;
    private final PurgeMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration pollInterval;
    private final AtomicBoolean pollScheduled = new AtomicBoolean();
    private final AtomicReference<YearMonth> exhaustedIn = new AtomicReference<>();
    private volatile ScheduledFuture<?> nextPoll;
    private volatile boolean closed;

    /** Thrown when this pod has {@code max-in-flight} paths in progress; retried later. */
    public static final class InFlightLimitException extends RuntimeException {
        InFlightLimitException(int limit) {
            super("CloudFront invalidation paths in progress at the limit of " + limit);
        }
    }

    public CloudFrontTarget(CloudFrontAsyncClient client, String distributionId, InvalidateBy invalidateBy,
            ReactiveRedisDataSource redis, String budgetKeyPrefix, long monthlyBudget, int maxInFlight,
            Duration pollInterval, Clock clock, ScheduledExecutorService scheduler, MeterRegistry registry) {
        this.client = client;
        this.distributionId = distributionId;
        this.invalidateBy = invalidateBy;
        this.budget = new MonthlyBudget(redis, budgetKeyPrefix, monthlyBudget, clock);
        this.inFlight = new InFlightPaths(maxInFlight);
        this.clock = clock;
        this.scheduler = scheduler;
        this.pollInterval = pollInterval;
        this.metrics = new PurgeMetrics(registry, name());
        Gauge.builder("catalog.edge.purge.budget.exhausted", this, t -> t.budgetExhausted() ? 1 : 0)
                .description("1 when this month's CloudFront path budget is used up (the edge relies on max-age)")
                .register(registry);
        Gauge.builder("catalog.edge.purge.in.flight", inFlight, InFlightPaths::count)
                .description("CloudFront invalidation paths in progress from this pod").register(registry);
    }

    /** Billed per path: purged once, after every pod has applied the events. */
    @Override
    public boolean purgeEarly() {
        return false;
    }

    @Override
    public String name() {
        return "cloudfront";
    }

    /** Whether this pod found this month's budget used up. */
    public boolean budgetExhausted() {
        return budget.month().equals(exhaustedIn.get());
    }

    /** Paths of this pod's invalidations still in progress. */
    public int inFlight() {
        return inFlight.count();
    }

    @Override
    public Uni<Void> purge(Set<String> keys) {
        Batch batch = new Batch(items(keys));
        return Uni.createFrom().deferred(() -> sendRemaining(batch));
    }

    /** What the invalidations of {@code keys} name: their tags, or their exact paths in the fallback mode. */
    Set<String> items(Set<String> keys) {
        return invalidateBy == InvalidateBy.TAGS ? CloudFrontTags.of(keys) : CloudFrontPaths.of(keys);
    }

    private Uni<Void> sendRemaining(Batch batch) {
        int wanted = batch.size();
        if (wanted == 0) {
            return Uni.createFrom().voidItem();
        }
        int capacity = inFlight.reserve(wanted);
        if (capacity == 0) {
            return Uni.createFrom().failure(new InFlightLimitException(inFlight.limit()));
        }
        return budget.reserve(capacity)
                .onFailure().invoke(() -> inFlight.release(capacity))
                .flatMap(grant -> {
                    inFlight.release(capacity - grant.paths());
                    if (grant.paths() < capacity) {
                        exhausted(grant.month(), wanted - grant.paths());
                        batch.keepFirst(grant.paths());
                    }
                    return grant.paths() == 0 ? Uni.createFrom().voidItem() : send(batch, grant);
                })
                .chain(() -> sendRemaining(batch));
    }

    private Uni<Void> send(Batch batch, MonthlyBudget.Grant grant) {
        List<String> chunk = batch.first(grant.paths());
        CreateInvalidationRequest request = CreateInvalidationRequest.builder().distributionId(distributionId)
                .invalidationBatch(b -> b.callerReference(batch.reference(chunk))
                        .paths(p -> p.quantity(chunk.size()).items(chunk)))
                .build();
        return Uni.createFrom().completionStage(() -> client.createInvalidation(request))
                .onItem().invoke(response -> {
                    metrics.count(PurgeMetrics.SUCCESS);
                    batch.removeAll(chunk);
                    inFlight.started(response.invalidation().id(), chunk.size(), clock.instant());
                    pollLater();
                })
                .onFailure().call(failure -> {
                    metrics.count(PurgeMetrics.FAILURE);
                    inFlight.release(chunk.size());
                    return budget.refund(grant);
                })
                .replaceWithVoid();
    }

    private void exhausted(YearMonth month, int dropped) {
        metrics.count(PurgeMetrics.OVER_BUDGET);
        if (!month.equals(exhaustedIn.getAndSet(month))) {
            LOG.warnf("CloudFront path budget of %s is used up: %d paths or tags not invalidated, the edge relies on max-age"
                    + " until the month ends (catalog.edge.cloudfront.monthly-path-budget)", month, dropped);
        }
    }

    /** Schedules one poll, unless one is scheduled already or nothing is in progress. */
    private void pollLater() {
        if (!closed && inFlight.tracking() && pollScheduled.compareAndSet(false, true)) {
            nextPoll = scheduler.schedule(this::poll, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Asks CloudFront about every invalidation in progress (without waiting for the answers), then polls again. */
    private void poll() {
        pollScheduled.set(false);
        if (closed) {
            return;
        }
        for (String id : inFlight.toCheck(clock.instant())) {
            client.getInvalidation(b -> b.distributionId(distributionId).id(id)).whenComplete((response, failure) -> {
                if (failure == null && isCompleted(response)) {
                    inFlight.completed(id);
                }
            });
        }
        pollLater();
    }

    private static boolean isCompleted(GetInvalidationResponse response) {
        return response.invalidation() != null && COMPLETED.equals(response.invalidation().status());
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> poll = nextPoll;
        if (poll != null) {
            poll.cancel(false);
        }
        client.close();
    }

    /** The items (tags or paths) of one purge not invalidated yet, and the nonce of its caller references. */
    private static final class Batch {
        private final List<String> paths;
        private final String nonce = UUID.randomUUID().toString();

        Batch(Collection<String> paths) {
            this.paths = new ArrayList<>(paths);
        }

        synchronized int size() {
            return paths.size();
        }

        synchronized List<String> first(int n) {
            return List.copyOf(paths.subList(0, Math.min(n, paths.size())));
        }

        synchronized void keepFirst(int n) {
            paths.subList(Math.min(n, paths.size()), paths.size()).clear();
        }

        synchronized void removeAll(List<String> sent) {
            paths.removeAll(Set.copyOf(sent));
        }

        String reference(List<String> chunk) {
            return nonce + "-" + Integer.toHexString(chunk.hashCode());
        }
    }
}
