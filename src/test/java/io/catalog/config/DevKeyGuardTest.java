package io.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;

import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.util.KeyUtils;

/** Production refuses the dev verification key, recognised by its key material in any of its usual forms. */
class DevKeyGuardTest {

    private static final Path DEV_PUBLIC_KEY = Path.of("dev/jwt/publicKey.pem");

    static String devPem() throws Exception {
        return Files.readString(DEV_PUBLIC_KEY);
    }

    static String otherPem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] der = generator.generateKeyPair().getPublic().getEncoded();
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void theFingerprintIsThatOfTheDevKeyInTheRepository() throws Exception {
        RSAPublicKey key = (RSAPublicKey) KeyUtils.decodePublicKey(devPem());
        assertThat(DevKeyGuard.fingerprint(key)).isEqualTo(DevKeyGuard.DEV_KEY_FINGERPRINT);
    }

    @Test
    void theDevKeyIsRecognisedAsPemBareBase64AndJwk() throws Exception {
        RSAPublicKey key = (RSAPublicKey) KeyUtils.decodePublicKey(devPem());
        String bare = Base64.getEncoder().encodeToString(key.getEncoded());
        RsaJsonWebKey jwk = new RsaJsonWebKey(key);
        String jwks = "{\"keys\":[" + jwk.toJson() + "]}";
        for (String form : List.of(devPem(), bare, jwk.toJson(), jwks)) {
            assertThat(DevKeyGuard.isDevKey(form)).as(form).isTrue();
        }
    }

    @Test
    void anotherKeyOrGarbageIsNotTheDevKey() throws Exception {
        assertThat(DevKeyGuard.isDevKey(otherPem())).isFalse();
        assertThat(DevKeyGuard.isDevKey("not a key")).isFalse();
        assertThat(DevKeyGuard.isDevKey("{\"keys\":[]}")).isFalse();
    }

    @Test
    void startUpFailsWithTheDevKeyAndPassesWithAnother() throws Exception {
        assertThatThrownBy(() -> DevKeyGuard.check(List.of(otherPem(), devPem())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("development key");
        DevKeyGuard.check(List.of(otherPem()));
        DevKeyGuard.check(List.of());
    }
}
