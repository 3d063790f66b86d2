package io.catalog.edge;

import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;

/**
 * A monthly allowance of CloudFront invalidation paths shared by every pod: one Redis counter per calendar month
 * (UTC), {@code <prefix>2026-11}, incremented atomically before paths are sent and decremented again for what was
 * not sent. Concurrent pods therefore never overshoot the budget together. Counters expire after two months.
 */
final class MonthlyBudget {

    private static final Duration RETENTION = Duration.ofDays(62);

    private final ReactiveValueCommands<String, Long> values;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;
    private final long limit;
    private final Clock clock;

    MonthlyBudget(ReactiveRedisDataSource redis, String prefix, long limit, Clock clock) {
        this.values = redis.value(Long.class);
        this.keys = redis.key();
        this.prefix = prefix;
        this.limit = limit;
        this.clock = clock;
    }

    /** The current month, UTC. */
    YearMonth month() {
        return YearMonth.now(clock.withZone(ZoneOffset.UTC));
    }

    String key(YearMonth month) {
        return prefix + month;
    }

    /** Paths granted from the budget of one month. */
    record Grant(YearMonth month, int paths) {
    }

    /** Takes up to {@code wanted} paths from this month's budget. */
    Uni<Grant> reserve(int wanted) {
        YearMonth month = month();
        String key = key(month);
        return values.incrby(key, wanted).flatMap(total -> {
            long granted = Math.max(0, Math.min(wanted, limit - (total - wanted)));
            Uni<Void> expiry = total == wanted ? keys.expire(key, RETENTION).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            Uni<Void> refund = granted < wanted ? values.decrby(key, wanted - granted).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            return expiry.chain(() -> refund).replaceWith(new Grant(month, (int) granted));
        });
    }

    /** Gives back a grant whose paths were not sent. */
    Uni<Void> refund(Grant grant) {
        return grant.paths() == 0 ? Uni.createFrom().voidItem()
                : values.decrby(key(grant.month()), grant.paths()).replaceWithVoid();
    }
}
