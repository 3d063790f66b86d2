// Longer than 320 lines on purpose: the one reference of every catalog.* setting, its default, range and meaning
// (docs/CONFIGURATION.md is generated from it); split across files it would no longer read as one.
package io.catalog.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * Every {@code catalog.*} setting of the service.
 * <p>
 * The Bean Validation constraints below are checked by SmallRye Config (through quarkus-hibernate-validator) when
 * the runtime configuration is built, before any bean is created or any start-up observer runs: a value out of its
 * range stops the service, naming the property, before anything touches Redis or DynamoDB (no table is created).
 * The lab's switches sit in their own group, {@link Lab}, under the names they have always had.
 */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {

    /** The catalog's one currency (ISO 4217 code); read-only for clients. */
    @WithDefault("USD")
    @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD")
    String currency();

    /** DynamoDB tables. */
    Dynamodb dynamodb();

    /** DynamoDB Accelerator. */
    Dax dax();

    /** In-process cache (L1). */
    L1 l1();

    /** Shared cache (L2, Redis). */
    L2 l2();

    /** Cache population strategy. */
    Cache cache();

    /** Category summaries maintained incrementally in Redis. */
    Summaries summaries();

    /** ProductUpdated event feed. */
    Events events();

    /** Edge (CDN) response policy and purge. */
    Edge edge();

    /** Pagination cursors. */
    Cursor cursor();

    /** Demo catalog loaded at start-up. */
    Demo demo();

    /** The background consistency checker. */
    Consistency consistency();

    /** Live price streams ({@code GET /events/products}). */
    Live live();

    interface Live {
        /**
         * Streams one client may hold open on a pod at once (a browser tab holds one); the client is named as the
         * rate limit names it ({@code catalog.rate-limit.client-header}, else the remote address).
         */
        @WithDefault("32")
        @Min(value = 1, message = "must be between 1 and 10000")
        @Max(value = 10_000, message = "must be between 1 and 10000")
        int maxStreamsPerClient();

        /** Streams a pod holds open at once, all clients together. */
        @WithDefault("10000")
        @Min(value = 1, message = "must be between 1 and 1000000")
        @Max(value = 1_000_000, message = "must be between 1 and 1000000")
        int maxStreams();

        /** How often an idle stream is sent a comment, so that proxies and load balancers keep it open. */
        @WithDefault("15s")
        @DurationMin(seconds = 1, message = "must be between 1s and 300s")
        @DurationMax(seconds = 300, message = "must be between 1s and 300s")
        Duration heartbeat();

        /**
         * Stream entries a resuming client ({@code Last-Event-ID}) may be behind and still be replayed; further behind
         * it is told {@code event: reset} and fetches the current state again.
         */
        @WithDefault("1000")
        @Min(value = 1, message = "must be between 1 and 100000")
        @Max(value = 100_000, message = "must be between 1 and 100000")
        int replayWindow();
    }

    interface Consistency {
        /** Whether this pod samples the keys it served and compares its caches with the store (off for the lab). */
        @WithDefault("true")
        boolean enabled();

        /** Keys checked per second at most (one check at a time). */
        @WithDefault("2")
        @DecimalMin(value = "0.01", message = "must be between 0.01 and 100")
        @DecimalMax(value = "100", message = "must be between 0.01 and 100")
        double rate();

        /** How long a mismatch must last to count as stale: past the propagation window of a write. */
        @WithDefault("2s")
        @DurationMin(millis = 10, message = "must be between 10ms and 60s")
        @DurationMax(seconds = 60, message = "must be between 10ms and 60s")
        Duration delay();
    }

    /**
     * Switches of the staleness lab and the benchmarks: never for production. Read only by {@code lab.CacheDesign}, which
     * resolves them once at start-up.
     */
    @WithParentName
    Lab lab();

    /**
     * The lab's and the benchmarks' switches, which turn parts of the design off to measure what they buy (see
     * docs/BENCHMARKS.md); production leaves them at their defaults. Grouped here so that no reader takes them for
     * production settings, they keep the property names the lab, the benchmarks and API.md use
     * ({@code catalog.l1.coordinated} ...), hence the environment names ({@code CATALOG_L1_COORDINATED} ...).
     */
    interface Lab {
        /** {@code catalog.l1.enabled}: {@code false} bypasses L1 (the seed's baseline, the L2 benchmark pod). */
        @WithName("l1.enabled")
        @WithDefault("true")
        boolean l1Enabled();

        /**
         * {@code catalog.l1.coordinated}: {@code false} gives a TTL-only L1 that ignores the invalidation feed (no
         * floors, trusted without the feed), the lab's "seed's fix" strategy.
         */
        @WithName("l1.coordinated")
        @WithDefault("true")
        boolean l1Coordinated();

        /** {@code catalog.l2.enabled}: {@code false} bypasses Redis as a cache (the DynamoDB benchmark pod). */
        @WithName("l2.enabled")
        @WithDefault("true")
        boolean l2Enabled();

        /**
         * {@code catalog.cache.invalidation}: {@code false} stops events from invalidating L2 (markers,
         * generation-keyed aggregates), the lab's TTL-only baseline.
         */
        @WithName("cache.invalidation")
        @WithDefault("true")
        boolean cacheInvalidation();
    }

    /** Per-client rate limits. */
    RateLimit rateLimit();

    /** Admin token checks beyond MicroProfile JWT's own. */
    Jwt jwt();

    interface RateLimit {
        /** Whether requests are limited per client (named by {@link #clientHeader}, else the connection's address). */
        @WithDefault("true")
        boolean enabled();

        /** Public reads (products, lists, summaries, pages, events) per second and client; bursts of twice that. */
        @WithDefault("200")
        @Min(value = 1, message = "must be at least 1")
        int readsPerSecond();

        /** Checkout quotes per second and client; bursts of twice that. */
        @WithDefault("10")
        @Min(value = 1, message = "must be at least 1")
        int checkoutPerSecond();

        /** Admin requests per second and client; bursts of twice that. */
        @WithDefault("50")
        @Min(value = 1, message = "must be at least 1")
        int adminPerSecond();

        /** How long a check waits for Redis before this pod counts on its own (per-pod) buckets. */
        @WithDefault("50ms")
        Duration redisTimeout();

        /** Clients whose per-pod buckets are kept at once (least recently used ones go first). */
        @WithDefault("100000")
        @Min(value = 1, message = "must be at least 1")
        long maxClients();

        /**
         * A header that names the client, written by the trusted proxies in front of the service: behind CloudFront
         * {@code CloudFront-Viewer-Address} ({@code address:port}), behind an ALB alone {@code X-Forwarded-For} (with
         * {@link #trustedHops}); when present it wins over the remote address. Never set it where clients can reach
         * the service directly: they could then choose their own address.
         */
        Optional<String> clientHeader();

        /**
         * How many trusted proxies append to {@link #clientHeader} when it is a list ({@code X-Forwarded-For}): the
         * client is the entry that many places from the right (1: the ALB's own entry, the address that connected to
         * it; 2: CloudFront then an ALB). Entries further left are the client's own writing and are never used.
         */
        @WithDefault("1")
        @Min(value = 1, message = "must be between 1 and 10")
        @Max(value = 10, message = "must be between 1 and 10")
        int trustedHops();
    }

    interface Jwt {
        /**
         * Let the prod profile start with the development verification key of {@code dev/jwt} (local stack, test
         * pods): never in a deployment, since that key's private half is public.
         */
        @WithDefault("false")
        boolean allowDevKey();
    }

    interface Dynamodb {
        /** Create missing tables at start-up (dev, test, demos). */
        @WithDefault("false")
        boolean createTables();

        /** Prefix of every table name. */
        @WithDefault("catalog-")
        String tablePrefix();

        /** How many conditional writes a batch keeps in flight at once. */
        @WithDefault("32")
        @Min(1)
        int writeConcurrency();

        /**
         * Event sequences a pod takes from the counters table at once. A write takes the next one of its pod's block
         * (no round trip); a new block is taken when the block runs out, or when the pod heard of a change with a
         * sequence beyond the block (docs/COHERENCE.md, "Sequences"). Larger blocks write the shared counter less
         * often and skip more numbers when a pod stops.
         */
        @WithDefault("1000")
        @Min(value = 1, message = "must be between 1 and 1000000")
        @Max(value = 1_000_000, message = "must be between 1 and 1000000")
        int sequenceBlock();

        /** Rounds of a strongly consistent BatchGetItem (checkout) while DynamoDB leaves keys unprocessed. */
        @WithDefault("5")
        @Min(value = 1, message = "must be at least 1")
        int batchGetAttempts();

        /** Time a strongly consistent batch read may take in all, retries included, before it answers 503. */
        @WithDefault("2s")
        Duration batchGetDeadline();

        /** The circuit breaker in front of DynamoDB (and another in front of DAX). */
        Breaker breaker();

        /**
         * How far behind the current state an eventually consistent read may answer (a replica, a DAX node; the
         * service's own writes go through DAX when it is on, so its item cache follows them): a pod that cannot vouch
         * for every write of that period, because it started or its feed had a gap less than this ago, reads strongly
         * consistent the keys it has no floor for. Writes that bypass the service (and DAX) are not covered: the
         * consistency checker finds them.
         */
        @WithDefault("10s")
        @DurationMin(millis = 0, message = "must be between 0 and 9m")
        @DurationMax(seconds = 540, message = "must be between 0 and 9m")
        Duration eventualLag();

        /**
         * SmallRye Fault Tolerance's circuit breaker: it opens when {@code failure-ratio} of the last {@code window}
         * calls failed with an outage (timeouts, throttling, 5xx, connection failures; never a client's 4xx), then fails
         * calls at once (503 with {@code Retry-After}) for {@code delay}, then lets one trial call through.
         */
        interface Breaker {
            /** Calls in the rolling window. */
            @WithDefault("10")
            @Min(value = 1, message = "must be between 1 and 1000")
            @Max(value = 1000, message = "must be between 1 and 1000")
            int window();

            /** The share of failed calls in the window that opens the breaker. */
            @WithDefault("0.5")
            @DecimalMin(value = "0.01", message = "must be between 0.01 and 1")
            @DecimalMax(value = "1", message = "must be between 0.01 and 1")
            double failureRatio();

            /** How long an open breaker fails calls at once before a trial call. */
            @WithDefault("2s")
            @DurationMin(millis = 100, message = "must be between 100ms and 60s")
            @DurationMax(seconds = 60, message = "must be between 100ms and 60s")
            Duration delay();
        }
    }

    interface Dax {
        /** DAX cluster endpoint ({@code dax://...}); when set, eventually consistent reads go through DAX. */
        Optional<@Pattern(regexp = "daxs?://.+", message = "must start with dax:// or daxs://") String> endpoint();

        /** AWS region of the DAX cluster; defaults to the DynamoDB client's region. */
        Optional<String> region();
    }

    interface L1 {
        /** Time to live of an L1 entry (1s to 60s). */
        @WithDefault("30s")
        @DurationMin(seconds = 1, message = "must be between 1s and 60s")
        @DurationMax(seconds = 60, message = "must be between 1s and 60s")
        Duration ttl();

        /** Maximum number of L1 entries (the size of the quarkus-cache cache {@code catalog-l1}). */
        @WithDefault("20000")
        @Min(value = 1, message = "must be at least 1")
        long maximumSize();

        /**
         * Maximum estimated heap bytes of L1 (entries weigh two bytes a character plus overheads, see L1Cache): an
         * entry weighing more than {@code maximum-weight / maximum-size} is not kept in L1 (served from L2), so
         * {@code maximum-size} entries never weigh more than this.
         */
        @WithDefault("64M")
        MemorySize maximumWeight();

        /**
         * Maximum number of version floors (per-key "newest version seen" marks); beyond it the least used are folded
         * into one low-water mark, and their keys are re-read strongly consistent when they come back.
         */
        @WithDefault("100000")
        @Min(value = 1, message = "must be at least 1")
        long maximumFloors();

        /**
         * Whether {@code GET /products/{id}} L1 hits are answered by the fast path (a Vert.x route before Quarkus
         * REST, with prepared headers and body) instead of the JAX-RS resource; the answers are the same.
         */
        @WithDefault("true")
        boolean fastPath();

    }

    interface L2 {
        /** Time to live of a product document in Redis. */
        @WithDefault("10m")
        Duration productTtl();

        /** Time to live of a computed aggregate (list page, category summary) in Redis. */
        @WithDefault("5m")
        Duration aggregateTtl();

        /** Random extra TTL, as a fraction of the TTL, so that entries do not expire together (0 to 1). */
        @WithDefault("0.1")
        @DecimalMin(value = "0", message = "must be between 0 and 1")
        @DecimalMax(value = "1", message = "must be between 0 and 1")
        double jitter();

        /** How long a read waits for Redis before it counts as a miss and goes to DynamoDB. */
        @WithDefault("250ms")
        Duration timeout();

        /** Key prefix of every L2 entry. */
        @WithDefault("catalog:")
        String keyPrefix();
    }

    interface Summaries {
        /**
         * How often each category's summary is recomputed from the store, as a repair of whatever the incremental
         * maintenance may have missed (plus up to 10 % random; one pod a category per interval).
         */
        @WithDefault("10m")
        @DurationMin(seconds = 1, message = "must be at least 1s")
        Duration repairInterval();
    }

    interface Cache {
        /** {@code cache-aside} (default) or {@code write-through}. */
        @WithDefault("cache-aside")
        WriteMode writeMode();

        /**
         * How long after a category changed its aggregates are served but not cached: DynamoDB's index is
         * eventually consistent, so an aggregate computed right after a change might not include it yet.
         */
        @WithDefault("1s")
        Duration indexSettle();
    }

    enum WriteMode {
        CACHE_ASIDE,
        WRITE_THROUGH
    }

    interface Events {
        /** Redis stream key of ProductUpdated events. */
        @WithDefault("catalog:events")
        String stream();

        /** Approximate maximum length of the stream (XADD MAXLEN ~). */
        @WithDefault("100000")
        long streamMaxLength();

        /** How long one blocking read of the feed waits for new events. */
        @WithDefault("500ms")
        Duration blockTimeout();

        /** Entries fetched per read of the feed. */
        @WithDefault("500")
        int batchSize();

        /**
         * How long a pod trusts its L1 after the start of a feed round that read the stream to its end (longer than
         * {@code block-timeout}, so that an idle feed keeps it): the lease that bounds how long a write waits for a pod
         * that stalls (docs/COHERENCE.md, "The lease"). Keep it equal on every pod.
         */
        @WithDefault("2s")
        Duration feedStaleAfter();

        /**
         * How long a write's acknowledgement normally waits for every other live pod to have applied its event; a
         * write that waits longer (a pod stalled, died or is slow) is counted ({@code catalog.events.ack.timeouts})
         * and waits out the silent pods' lease: at most {@code feed-stale-after} after its event's append.
         */
        @WithDefault("100ms")
        @DurationMin(millis = 0, message = "must be between 0 and 2s")
        @DurationMax(seconds = 2, message = "must be between 0 and 2s")
        Duration ackTimeout();

        /** How often the relay looks for events that were not published (Redis outage, crash). */
        @WithDefault("1s")
        Duration relayInterval();

        /** How often the relay looks when nothing suggests anything is pending (events a crashed pod left). */
        @WithDefault("10s")
        Duration relayIdleInterval();

        /** Amazon EventBridge. */
        EventBridge eventbridge();

        interface EventBridge {
            /** Event bus name or ARN; when set, every event also goes to EventBridge. */
            Optional<String> bus();

            /** The {@code source} of the EventBridge entries. */
            @WithDefault("io.catalog")
            String source();
        }
    }

    interface Edge {
        /** {@code max-age} of public GETs. */
        @WithDefault("30s")
        @DurationMin(seconds = 0, message = "must not be negative")
        Duration maxAge();

        /** {@code s-maxage} of public GETs, when the edge may keep them longer than browsers. */
        Optional<Duration> sMaxAge();

        /** {@code stale-while-revalidate} of public GETs. */
        @WithDefault("30s")
        Duration staleWhileRevalidate();

        /** {@code stale-if-error} of public GETs. */
        @WithDefault("300s")
        Duration staleIfError();

        /** {@code max-age} of versioned URLs ({@code ?v=}), which never change. */
        @WithDefault("365d")
        Duration immutableMaxAge();

        /** Edge purge. */
        Purge purge();

        /** Amazon CloudFront invalidation. */
        Cloudfront cloudfront();

        interface Purge {
            /**
             * When batches are purged again, once every pod has applied their events; defaults to
             * {@code catalog.events.feed-stale-after}.
             */
            Optional<Duration> settle();

            /** Edge cache base URLs that accept {@code PURGE /} with a {@code Surrogate-Key} header. */
            @WithName("varnish-urls")
            Optional<List<String>> varnishUrls();

            /** How long surrogate keys are collected and de-duplicated before a batch is purged. */
            @WithDefault("100ms")
            @DurationMin(seconds = 0, message = "must not be negative")
            Duration window();

            /** Redis consumer group on the events stream through which exactly one pod purges each event. */
            @WithDefault("catalog-edge-purge")
            String group();

            /** This pod's consumer name in that group; defaults to {@code <host name>-<pid>}. */
            Optional<String> consumer();

            /** Events left unacknowledged this long by a consumer (a dead pod) are claimed by another one. */
            @WithDefault("30s")
            Duration claimIdle();

            /** Events older than this are acknowledged without a purge: the edge has expired them already. */
            @WithDefault("10m")
            Duration giveUpAfter();

            /** Retries of a failed purge, with exponential backoff, before the batch is left to be claimed again. */
            @WithDefault("3")
            @Min(0)
            int retries();

            /** First backoff between purge retries (doubled on each retry). */
            @WithDefault("200ms")
            Duration retryBackoff();

            /** Timeout of one purge request to an edge cache. */
            @WithDefault("5s")
            Duration timeout();
        }

        interface Cloudfront {
            /** CloudFront distribution to invalidate; unset disables CloudFront invalidation. */
            Optional<String> distributionId();

            /** CloudFront API endpoint, for tests against a local recorder; unset is the real AWS endpoint. */
            Optional<String> endpointOverride();

            /** Invalidation paths in progress at once (CloudFront allows 3,000 per distribution). */
            @WithDefault("3000")
            @Min(1)
            @Max(3000)
            int maxInFlight();

            /** Paths invalidated per calendar month (UTC) across all pods; beyond it the edge relies on max-age. */
            @WithDefault("1000")
            @Min(0)
            long monthlyPathBudget();

            /** How often invalidations in progress are checked for completion, to free in-flight capacity. */
            @WithDefault("15s")
            Duration pollInterval();

            /**
             * What an invalidation names: {@code tags}, the surrogate keys as {@code #<tag>} items (every
             * representation carrying the tag, whatever its query string; needs the distribution's cache-tag
             * header), or {@code paths}, the exact paths a key stands for (a distribution without cache tags).
             */
            @WithDefault("tags")
            InvalidateBy invalidateBy();

            /** What a CloudFront invalidation names. */
            enum InvalidateBy {
                TAGS,
                PATHS
            }
        }
    }

    interface Cursor {
        /** The built-in secret, public in this repository: dev and test only; production refuses to start with it. */
        String BUILT_IN_SECRET = "catalog-cursor-v1";

        /**
         * Secret that signs pagination cursors; the same on every instance. Production requires one of at least 32
         * characters that is not the built-in one.
         */
        @WithDefault(BUILT_IN_SECRET)
        String secret();
    }

    interface Demo {
        /** Load the demo catalog at start-up when the products table is empty. */
        @WithDefault("false")
        boolean seed();

        /** Number of demo products. */
        @WithDefault("1000")
        int products();

        /** Number of demo categories. */
        @WithDefault("10")
        int categories();
    }
}
