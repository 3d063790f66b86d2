package io.catalog.config;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.jwt.util.ResourceUtils;

/**
 * Refuses to start in production (the prod profile) when admin tokens would be verified with the development key
 * pair of {@code dev/jwt}: its private half is public in the repository, so anyone could mint admin tokens. The key
 * material is compared (a fingerprint of the RSA modulus), not the path, so a copy of the dev key under another
 * name, inline in {@code mp.jwt.verify.publickey} or as a JWK is caught too. Remote key sets ({@code https://})
 * are not fetched here. {@code catalog.jwt.allow-dev-key=true} lets the local stack and the test pods run the
 * packaged service with the dev key, on purpose.
 */
@ApplicationScoped
public class DevKeyGuard {

    private static final Logger LOG = Logger.getLogger(DevKeyGuard.class);

    /** SHA-256 of the RSA modulus of {@code dev/jwt/publicKey.pem}; DevKeyGuardTest keeps it in step with the file. */
    static final String DEV_KEY_FINGERPRINT = "9c6c4c58275b9d69494bcc49e49e193c1b5957e21e1084f5b5733dd2a46abc3d";

    /** Properties that hold verification key content. */
    static final List<String> KEY_CONTENT = List.of("mp.jwt.verify.publickey");
    /** Properties that hold verification key locations. */
    static final List<String> KEY_LOCATIONS = List.of("mp.jwt.verify.publickey.location",
            "smallrye.jwt.verify.key.location");

    void onStart(@Observes StartupEvent event, CatalogConfig config) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        if (config.jwt().allowDevKey()) {
            LOG.warn("catalog.jwt.allow-dev-key is set: admin tokens signed with the public dev key are accepted");
            return;
        }
        check(configuredKeys(ConfigProvider.getConfig()));
    }

    /** Throws when any of the verification keys (their PEM, certificate or JWK text) is the dev key. */
    public static void check(List<String> keyContents) {
        if (keyContents.stream().anyMatch(DevKeyGuard::isDevKey)) {
            throw new IllegalStateException("The admin token verification key is the development key of dev/jwt, "
                    + "whose private half is public: configure your identity provider's key "
                    + "(MP_JWT_VERIFY_PUBLICKEY or MP_JWT_VERIFY_PUBLICKEY_LOCATION)");
        }
    }

    /** The text of every locally readable verification key the configuration names. */
    static List<String> configuredKeys(Config config) {
        List<String> contents = new ArrayList<>();
        KEY_CONTENT.forEach(p -> config.getOptionalValue(p, String.class).ifPresent(contents::add));
        for (String property : KEY_LOCATIONS) {
            config.getOptionalValue(property, String.class).flatMap(DevKeyGuard::read).ifPresent(contents::add);
        }
        return contents;
    }

    private static Optional<String> read(String location) {
        if (location.startsWith("http:") || location.startsWith("https:")) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(ResourceUtils.readResource(location));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // smallrye-jwt reports an unreadable key itself
        }
    }

    static boolean isDevKey(String content) {
        return publicKeys(content).stream().filter(RSAPublicKey.class::isInstance)
                .anyMatch(k -> DEV_KEY_FINGERPRINT.equals(fingerprint((RSAPublicKey) k)));
    }

    static List<PublicKey> publicKeys(String content) {
        String text = content.trim();
        try {
            if (text.startsWith("{")) {
                List<JsonWebKey> keys = KeyUtils.loadJsonWebKeys(text);
                return keys == null ? List.of()
                        : keys.stream().filter(PublicJsonWebKey.class::isInstance)
                                .map(k -> ((PublicJsonWebKey) k).getPublicKey()).toList();
            }
            if (text.contains("CERTIFICATE")) {
                return List.of(KeyUtils.decodeCertificate(text));
            }
            return List.of(KeyUtils.decodePublicKey(text));
        } catch (GeneralSecurityException | RuntimeException e) {
            return List.of();
        }
    }

    /** SHA-256 (hex) of the RSA modulus as an unsigned big-endian number. */
    static String fingerprint(RSAPublicKey key) {
        byte[] modulus = key.getModulus().toByteArray();
        if (modulus.length > 1 && modulus[0] == 0) {
            modulus = Arrays.copyOfRange(modulus, 1, modulus.length);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(modulus));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
