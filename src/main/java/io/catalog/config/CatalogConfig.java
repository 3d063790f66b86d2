package io.catalog.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every {@code catalog.*} setting of the service, validated at start-up by {@link CatalogConfigValidator}.
 */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {

    /** The catalog's one currency (ISO 4217 code); read-only for clients. */
    @WithDefault("USD")
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

    /** ProductUpdated event feed. */
    Events events();

    /** Edge (CDN) response policy and purge. */
    Edge edge();

    /** Pagination cursors. */
    Cursor cursor();

    /** Demo catalog loaded at start-up. */
    Demo demo();

    /** Benchmark support. */
    Bench bench();

    /** Per-client rate limits. */
    RateLimit rateLimit();

    /** Admin token checks beyond MicroProfile JWT's own. */
    Jwt jwt();

    interface RateLimit {
        /** Whether requests are limited per client (the remote address Quarkus reports). */
        @WithDefault("true")
        boolean enabled();

        /** Public reads (products, lists, summaries, pages, events) per second and client; bursts of twice that. */
        @WithDefault("200")
        int readsPerSecond();

        /** Checkout quotes per second and client; bursts of twice that. */
        @WithDefault("10")
        int checkoutPerSecond();

        /** Admin requests per second and client; bursts of twice that. */
        @WithDefault("50")
        int adminPerSecond();

        /** How long a check waits for Redis before this pod counts on its own (per-pod) buckets. */
        @WithDefault("50ms")
        Duration redisTimeout();

        /** Clients whose per-pod buckets are kept at once (least recently used ones go first). */
        @WithDefault("100000")
        long maxClients();

        /**
         * A header that names the client, set by the only proxy that can reach the service (e.g.
         * {@code CloudFront-Viewer-Address}, {@code address:port}); when present it wins over the remote address.
         * Never set it where clients can reach the service directly: they could then choose their own address.
         */
        Optional<String> clientHeader();
    }

    interface Jwt {
        /**
         * Let the prod profile start with the development verification key of {@code dev/jwt} (local stack, test
         * pods): never in a deployment, since that key's private half is public.
         */
        @WithDefault("false")
        boolean allowDevKey();
    }

    interface Bench {
        /** Serve {@code GET /bench/fixed}, a fixed body with no cache or store behind it (benchmark baseline). */
        @WithDefault("false")
        boolean fixedEndpoint();
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
        int writeConcurrency();

        /** Rounds of a strongly consistent BatchGetItem (checkout) while DynamoDB leaves keys unprocessed. */
        @WithDefault("5")
        int batchGetAttempts();

        /** Time a strongly consistent batch read may take in all, retries included, before it answers 503. */
        @WithDefault("2s")
        Duration batchGetDeadline();
    }

    interface Dax {
        /** DAX cluster endpoint ({@code dax://...}); when set, eventually consistent reads go through DAX. */
        Optional<String> endpoint();

        /** AWS region of the DAX cluster; defaults to the DynamoDB client's region. */
        Optional<String> region();
    }

    interface L1 {
        /** Time to live of an L1 entry (1s to 60s). */
        @WithDefault("30s")
        Duration ttl();

        /** Maximum number of L1 entries. */
        @WithDefault("50000")
        long maximumSize();

        /** Whether L1 is used at all (the lab's baseline strategies switch it off). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Whether L1 follows the invalidation feed (floors, trust only while the feed is read). {@code false} gives
         * a TTL-only L1, the lab's "no L1 coordination" strategy: never for production.
         */
        @WithDefault("true")
        boolean coordinated();
    }

    interface L2 {
        /** Time to live of a product document in Redis. */
        @WithDefault("10m")
        Duration productTtl();

        /** Time to live of a computed aggregate (list page, category summary) in Redis. */
        @WithDefault("5m")
        Duration aggregateTtl();

        /** Random extra TTL, as a fraction of the TTL, so that entries do not expire together. */
        @WithDefault("0.1")
        double jitter();

        /** How long a read waits for Redis before it counts as a miss and goes to DynamoDB. */
        @WithDefault("250ms")
        Duration timeout();

        /** Key prefix of every L2 entry. */
        @WithDefault("catalog:")
        String keyPrefix();

        /** Whether L2 is used at all. */
        @WithDefault("true")
        boolean enabled();
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

        /**
         * Whether events invalidate L2 (markers, generation-keyed aggregates); {@code false} gives the lab's TTL-only
         * baseline: never for production.
         */
        @WithDefault("true")
        boolean invalidation();
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

        /** Without a successful read of the feed for this long, L1 is no longer trusted. */
        @WithDefault("2s")
        Duration feedStaleAfter();

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
            int maxInFlight();

            /** Paths invalidated per calendar month (UTC) across all pods; beyond it the edge relies on max-age. */
            @WithDefault("1000")
            long monthlyPathBudget();

            /** How often invalidations in progress are checked for completion, to free in-flight capacity. */
            @WithDefault("15s")
            Duration pollInterval();
        }
    }

    interface Cursor {
        /** Secret that signs pagination cursors; the same on every instance. */
        @WithDefault("catalog-cursor-v1")
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
