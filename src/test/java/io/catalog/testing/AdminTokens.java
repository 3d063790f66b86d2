package io.catalog.testing;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The one place tests mint bearer tokens: signed with the dev key ({@code dev/jwt/privateKey.pem}) and the dev
 * issuer that the test profile and the pods verify, plus the wrong ones that must be refused.
 */
public final class AdminTokens {

    public static final String ISSUER = "https://catalog.example.com/dev";
    public static final String ADMIN_GROUP = "catalog-admin";
    /** The audience the service expects by default ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "catalog-service";

    private static volatile PrivateKey devKey;
    private static volatile PrivateKey foreignKey;

    private AdminTokens() {
    }

    /** A token of the admin group, valid for two hours (long enough for the lab and the multi-pod tests). */
    public static String admin() {
        return sign(claims(ISSUER, ADMIN_GROUP).expiresIn(Duration.ofHours(2)), devKey());
    }

    /** A valid token without the admin group (403). */
    public static String withoutAdminGroup() {
        return sign(claims(ISSUER, "catalog-reader"), devKey());
    }

    /** An admin token that expired long ago (401). */
    public static String expired() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return sign(claims(ISSUER, ADMIN_GROUP).issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5))), devKey());
    }

    /** An admin token signed with a key the service does not trust (401). */
    public static String wronglySigned() {
        return sign(claims(ISSUER, ADMIN_GROUP), foreignKey());
    }

    /** An admin token from another issuer (401). */
    public static String wrongIssuer() {
        return sign(claims("https://evil.example.com", ADMIN_GROUP), devKey());
    }

    /** An admin token for another service: right issuer and key, wrong audience (401). */
    public static String otherAudience() {
        return sign(Jwt.issuer(ISSUER).audience("another-service").subject("test").groups(Set.of(ADMIN_GROUP)),
                devKey());
    }

    /** An admin token with no audience at all (401). */
    public static String withoutAudience() {
        return sign(Jwt.issuer(ISSUER).subject("test").groups(Set.of(ADMIN_GROUP)), devKey());
    }

    /** Issued two days ago and valid for a year: too old, whatever its {@code exp} (401). */
    public static String issuedLongAgo() {
        Instant issued = Instant.now().minus(Duration.ofDays(2));
        return sign(claims(ISSUER, ADMIN_GROUP).issuedAt(issued).expiresAt(issued.plus(Duration.ofDays(365))),
                devKey());
    }

    private static JwtClaimsBuilder claims(String issuer, String group) {
        return Jwt.issuer(issuer).audience(AUDIENCE).subject("test").groups(Set.of(group));
    }

    private static String sign(JwtClaimsBuilder claims, PrivateKey key) {
        return claims.sign(key);
    }

    /** The dev key pair's private half (dev/jwt), which the test profile and the pods trust. */
    public static PrivateKey devKey() {
        if (devKey == null) {
            try {
                devKey = KeyUtils.decodePrivateKey(java.nio.file.Files.readString(
                        LocalStackPaths.projectRoot().resolve("dev/jwt/privateKey.pem")));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read dev/jwt/privateKey.pem", e);
            }
        }
        return devKey;
    }

    private static PrivateKey foreignKey() {
        if (foreignKey == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                foreignKey = pair.getPrivate();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return foreignKey;
    }
}
