package io.catalog.cache;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * A value as L1 keeps it: the {@link CachedValue} and, made once when L1 takes it, what an HTTP answer of it sends
 * besides the caching policy: the body's UTF-8 bytes as a Vert.x {@link Buffer} and the values of {@code ETag},
 * {@code X-Cache-Version}, {@code Surrogate-Key} and {@code Cache-Tag} as header values Netty copies without encoding
 * ({@link HttpHeaders#createOptimized}; they are ASCII: a digest, a number, and keys made of ids and categories,
 * which API.md limits to ASCII). An L1 hit then costs no serialization, no string building and no copy of the body
 * into a new buffer: the fast path in the HTTP layer writes these as they are. The buffer is a heap buffer whose
 * release does nothing; Vert.x writes a slice of it, so one buffer serves any number of answers at once.
 */
public final class PreparedValue {

    /** Heap bytes of a Vert.x heap buffer besides its bytes: the buffer, its Netty buffer, the array header. */
    static final int BUFFER_OVERHEAD = 96;

    private final CachedValue value;
    private final long written;
    private final Buffer body;
    private final CharSequence etag;
    private final CharSequence version;
    private final CharSequence surrogateKey;
    private final CharSequence cacheTag;

    /** @param written when L1 took it, on L1's ticker */
    PreparedValue(CachedValue value, long written) {
        this.value = value;
        this.written = written;
        this.body = value.exists() ? Buffer.buffer(value.body().getBytes(StandardCharsets.UTF_8)) : null;
        this.etag = value.etag() == null ? null : HttpHeaders.createOptimized(value.etag());
        this.version = HttpHeaders.createOptimized(Long.toString(value.version()));
        this.surrogateKey = HttpHeaders.createOptimized(surrogateKeyHeader(value));
        this.cacheTag = HttpHeaders.createOptimized(cacheTagHeader(value));
    }

    /** The {@code Surrogate-Key} value of {@code value}: its purge keys, space-separated (Varnish, Fastly). */
    public static String surrogateKeyHeader(CachedValue value) {
        return String.join(" ", value.surrogateKeys());
    }

    /** The {@code Cache-Tag} value of {@code value}: its purge keys, comma-separated (CloudFront's cache tags). */
    public static String cacheTagHeader(CachedValue value) {
        return String.join(",", value.surrogateKeys());
    }

    public CachedValue value() {
        return value;
    }

    long written() {
        return written;
    }

    /**
     * The body's UTF-8 bytes, or {@code null} for a negative entry: to be written as it is ({@code end(body)}), never
     * modified.
     */
    public Buffer body() {
        return body;
    }

    /** The {@code ETag} value, or {@code null} when the value has none (a negative entry). */
    public CharSequence etag() {
        return etag;
    }

    public CharSequence version() {
        return version;
    }

    public CharSequence surrogateKey() {
        return surrogateKey;
    }

    public CharSequence cacheTag() {
        return cacheTag;
    }

    /** Heap bytes of the prepared form beyond the value: the body's buffer and the four header values. */
    long extraBytes() {
        return (body == null ? 0 : BUFFER_OVERHEAD + body.length()) + 4L * L1Cache.STRING_OVERHEAD
                + (etag == null ? 0 : etag.length()) + version.length() + surrogateKey.length() + cacheTag.length()
                + 40;
    }
}
