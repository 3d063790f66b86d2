package io.catalog.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Strong entity tags: a digest of the exact bytes of a representation, so an ETag changes exactly when the
 * representation does, on every instance alike.
 */
public final class ETags {

    private ETags() {
    }

    /** The quoted strong ETag of {@code body}. */
    public static String of(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static String of(String body) {
        return of(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether an {@code If-Match} header value names {@code etag} by strong comparison (RFC 9110 13.1.1): a list of
     * tags or {@code *}; a weak tag ({@code W/"..."}) never matches, since it does not promise the same bytes.
     */
    public static boolean matchesStrongly(String header, String etag) {
        if (header == null || etag == null) {
            return false;
        }
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an {@code If-None-Match} header value names {@code etag}: a list of tags or {@code *}; weak tags compare
     * by their opaque part (weak comparison, RFC 9110 13.1.2).
     */
    public static boolean matches(String header, String etag) {
        if (header == null || etag == null) {
            return false;
        }
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag) || (tag.startsWith("W/") && tag.substring(2).equals(etag))) {
                return true;
            }
        }
        return false;
    }
}
