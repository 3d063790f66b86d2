package io.catalog.service;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.catalog.model.Validation;

/**
 * Opaque pagination cursors: the position (the last id of a page) and an HMAC over it and everything else that
 * selects the next page, the listing and the page size, so that a cursor the service did not issue, one issued
 * for another category, or one replayed with another {@code limit} is refused instead of silently selecting some
 * other page (and minting another cache key). The cursor carries the position only; the caller sends the same
 * {@code limit} again.
 */
@ApplicationScoped
public class Cursors {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public Cursors(CatalogConfig config) {
        this.key = new SecretKeySpec(config.cursor().secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The cursor of the page that follows {@code lastId} in {@code listing}, for pages of {@code limit}. */
    public String issue(String listing, int limit, String lastId) {
        return ENCODER.encodeToString(lastId.getBytes(StandardCharsets.UTF_8)) + "." + sign(listing, limit, lastId);
    }

    /**
     * The last id a cursor names, or empty when the cursor was not issued by this service for this listing and
     * page size.
     */
    public Optional<String> open(String listing, int limit, String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            String lastId = new String(DECODER.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
            boolean genuine = MessageDigest.isEqual(sign(listing, limit, lastId).getBytes(StandardCharsets.UTF_8),
                    cursor.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
            return genuine && Validation.isId(lastId) ? Optional.of(lastId) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String sign(String listing, int limit, String lastId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((listing + "\n" + limit + "\n" + lastId).getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
