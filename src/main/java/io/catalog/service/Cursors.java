package io.catalog.service;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.catalog.model.Validation;

/**
 * Opaque pagination cursors: the last id of a page and an HMAC over it and the listing it belongs to, so that a
 * cursor the service did not issue (or one issued for another category) is refused instead of silently
 * starting somewhere else.
 */
@ApplicationScoped
public class Cursors {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public Cursors(CatalogConfig config) {
        this.key = new SecretKeySpec(config.cursor().secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String issue(String listing, String lastId) {
        return ENCODER.encodeToString(lastId.getBytes(StandardCharsets.UTF_8)) + "." + sign(listing, lastId);
    }

    /** The last id a cursor names, or empty when the cursor was not issued by this service for this listing. */
    public Optional<String> open(String listing, String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            String lastId = new String(DECODER.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
            return sign(listing, lastId).equals(cursor.substring(dot + 1)) && Validation.isId(lastId)
                    ? Optional.of(lastId)
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String sign(String listing, String lastId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((listing + "\n" + lastId).getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
