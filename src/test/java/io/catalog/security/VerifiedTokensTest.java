package io.catalog.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.catalog.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.ParseException;

/** Tokens verified once and recognised after, never past what the verifier would accept; on virtual time. */
class VerifiedTokensTest {

    private static final Instant START = Instant.parse("2026-12-07T00:00:00Z");
    private final MutableClock clock = new MutableClock(START);
    private final AtomicInteger verifications = new AtomicInteger();

    private VerifiedTokens tokens(Optional<Long> maxAgeSeconds) {
        return new VerifiedTokens(clock, clock.ticker(), maxAgeSeconds, new SimpleMeterRegistry());
    }

    /** A verifier that accepts a token until its {@code exp} (no skew), counting its calls. */
    private VerifiedTokens.Verifier verifier(long issuedAtSeconds, long expiresAtSeconds) {
        return token -> {
            verifications.incrementAndGet();
            if (token.startsWith("bad") || clock.millis() >= expiresAtSeconds * 1000) {
                throw new ParseException("refused: " + token);
            }
            return jwt(issuedAtSeconds, expiresAtSeconds);
        };
    }

    private VerifiedTokens.Verifier validForAnHour() {
        return verifier(START.getEpochSecond(), START.getEpochSecond() + 3600);
    }

    @Test
    void aTokenIsVerifiedOnceThenRecognisedAsTheExactString() throws ParseException {
        VerifiedTokens tokens = tokens(Optional.empty());
        VerifiedTokens.Verifier verifier = validForAnHour();
        JsonWebToken first = tokens.parse("token-a", verifier);
        assertThat(tokens.parse("token-a", verifier)).isSameAs(first);
        assertThat(verifications).as("verified once").hasValue(1);
        tokens.parse("token-a ", verifier);
        assertThat(verifications).as("another string is another token").hasValue(2);
    }

    @Test
    void neverReusedPastItsExpiry() throws ParseException {
        VerifiedTokens tokens = tokens(Optional.empty());
        VerifiedTokens.Verifier verifier = verifier(START.getEpochSecond(), START.getEpochSecond() + 60);
        tokens.parse("token-a", verifier);
        clock.advance(Duration.ofSeconds(59));
        tokens.parse("token-a", verifier);
        assertThat(verifications).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> tokens.parse("token-a", verifier)).as("expired: the verifier decides")
                .isInstanceOf(ParseException.class);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void neverReusedPastItsMaximumAge() throws ParseException {
        VerifiedTokens tokens = tokens(Optional.of(100L));
        long issued = START.getEpochSecond() - 90; // issued 90 s ago, valid for an hour, at most 100 s old
        VerifiedTokens.Verifier verifier = verifier(issued, issued + 3600);
        tokens.parse("token-a", verifier);
        clock.advance(Duration.ofSeconds(9));
        tokens.parse("token-a", verifier);
        assertThat(verifications).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        tokens.parse("token-a", verifier);
        assertThat(verifications).as("100 s old: verified again").hasValue(2);
    }

    @Test
    void reusedAtMostFiveMinutesAfterItsVerification() throws ParseException {
        VerifiedTokens tokens = tokens(Optional.empty());
        VerifiedTokens.Verifier verifier = verifier(START.getEpochSecond(), START.getEpochSecond() + 86_400);
        tokens.parse("token-a", verifier);
        clock.advance(VerifiedTokens.MAX_REUSE.minusMillis(1));
        tokens.parse("token-a", verifier);
        assertThat(verifications).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        tokens.parse("token-a", verifier);
        assertThat(verifications).as("a rotated-out key stops passing within the bound").hasValue(2);
    }

    @Test
    void aRefusedTokenIsVerifiedEveryTime() {
        VerifiedTokens tokens = tokens(Optional.empty());
        VerifiedTokens.Verifier verifier = validForAnHour();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.parse("bad-token", verifier)).isInstanceOf(ParseException.class);
        }
        assertThat(verifications).hasValue(3);
    }

    @Test
    void aTokenWithoutIssuedAtIsNotReusedWhenAnAgeIsConfigured() throws ParseException {
        VerifiedTokens tokens = tokens(Optional.of(3600L));
        VerifiedTokens.Verifier verifier = verifier(0, START.getEpochSecond() + 3600);
        tokens.parse("token-a", verifier);
        tokens.parse("token-a", verifier);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aVeryLongTokenIsVerifiedEveryTime() throws ParseException {
        VerifiedTokens tokens = tokens(Optional.empty());
        VerifiedTokens.Verifier verifier = validForAnHour();
        String huge = "t".repeat(VerifiedTokens.MAX_TOKEN_CHARS + 1);
        tokens.parse(huge, verifier);
        tokens.parse(huge, verifier);
        assertThat(verifications).hasValue(2);
    }

    private static JsonWebToken jwt(long issuedAtSeconds, long expiresAtSeconds) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("exp", expiresAtSeconds);
        if (issuedAtSeconds > 0) {
            claims.put("iat", issuedAtSeconds);
        }
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @SuppressWarnings("unchecked")
            @Override
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }
}
