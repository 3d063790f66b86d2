package io.catalog.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Admin tokens verified once and then recognised, instead of verified again on every request: a repricing engine
 * sends thousands of writes with the same token, and each verification (an RS256 signature, the claims parsed and
 * checked) cost about a tenth of the written pod's CPU per PATCH. A token is reused only as the exact string that was
 * verified, never past what the verifier itself would accept:
 * <ul>
 * <li>until its {@code exp} (without the verifier's clock skew: stricter by at most the skew), and until {@code iat}
 * plus {@code mp.jwt.verify.token.age} when that is set (stricter by under a second);</li>
 * <li>at most {@link #MAX_REUSE} after its verification, which bounds how long a token still passes after its
 * signing key was rotated out of a remote key set.</li>
 * </ul>
 * A token that fails verification is not remembered: it is verified again each time (the admin rate limit bounds
 * how often). Bounded: {@link #MAX_TOKENS} tokens, each at most {@link #MAX_TOKEN_CHARS} long (a longer one is
 * verified on every request). Metric {@code catalog.admin.tokens}, tagged {@code result}: {@code reused} or
 * {@code verified}.
 */
@Singleton
public class VerifiedTokens {

    static final int MAX_TOKENS = 1_000;
    static final int MAX_TOKEN_CHARS = 8_192;
    static final Duration MAX_REUSE = Duration.ofMinutes(5);

    /** The verification this stands in front of. */
    @FunctionalInterface
    public interface Verifier {
        JsonWebToken verify(String token) throws ParseException;
    }

    /** A verified token and until when (epoch ms, this pod's clock) it may be reused. */
    private record Verified(JsonWebToken token, long untilMillis) {
    }

    private final Cache<String, Verified> verified;
    private final Clock clock;
    private final Optional<Long> maxAgeSeconds;
    private final Counter reused;
    private final Counter verifiedNow;

    @Inject
    public VerifiedTokens(Clock clock, Ticker ticker,
            @ConfigProperty(name = "mp.jwt.verify.token.age") Optional<Long> maxAgeSeconds, MeterRegistry registry) {
        this.clock = clock;
        this.maxAgeSeconds = maxAgeSeconds;
        this.verified = Caffeine.newBuilder().maximumSize(MAX_TOKENS).expireAfterWrite(MAX_REUSE).ticker(ticker)
                .build();
        this.reused = Counter.builder("catalog.admin.tokens").tag("result", "reused")
                .description("Bearer-token requests (the admin API) whose token had been verified before").register(registry);
        this.verifiedNow = Counter.builder("catalog.admin.tokens").tag("result", "verified")
                .description("Bearer-token requests (the admin API) whose token was verified").register(registry);
    }

    /** The token as {@code verifier} verified it now or earlier; fails as the verifier fails. */
    public JsonWebToken parse(String token, Verifier verifier) throws ParseException {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            JsonWebToken jwt = verifier.verify(token);
            verifiedNow.increment();
            return jwt;
        }
        long now = clock.millis();
        Verified known = verified.getIfPresent(token);
        if (known != null && now < known.untilMillis()) {
            reused.increment();
            return known.token();
        }
        JsonWebToken jwt = verifier.verify(token);
        verifiedNow.increment();
        long until = until(jwt, now);
        if (until > now) {
            verified.put(token, new Verified(jwt, until));
        } else if (known != null) {
            verified.invalidate(token);
        }
        return jwt;
    }

    /** Until when a token verified at {@code now} may be reused. */
    long until(JsonWebToken jwt, long now) {
        long until = now + MAX_REUSE.toMillis();
        long expires = seconds(jwt, Claims.exp);
        if (expires > 0) {
            until = Math.min(until, expires * 1000);
        }
        if (maxAgeSeconds.isPresent()) {
            // without iat, the verifier refuses the token when an age is configured; never reuse it either way
            long issued = seconds(jwt, Claims.iat);
            until = issued > 0 ? Math.min(until, (issued + maxAgeSeconds.get()) * 1000) : now;
        }
        return until;
    }

    /** A time claim in epoch seconds, 0 when absent (the interface's getters would fail on a missing claim). */
    private static long seconds(JsonWebToken jwt, Claims claim) {
        return jwt.getClaim(claim.name()) instanceof Number n ? n.longValue() : 0;
    }
}
