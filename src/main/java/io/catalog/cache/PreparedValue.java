package io.catalog.cache;

import java.nio.charset.StandardCharsets;

/**
 * A value as L1 keeps it: the {@link CachedValue} and, made once when L1 takes it, what an HTTP answer of it sends
 * besides the caching policy: the body's UTF-8 bytes and the values of {@code X-Cache-Version}, {@code Surrogate-Key}
 * and {@code Cache-Tag}. An L1 hit then costs no serialization and no string building (the fast path in the HTTP
 * layer writes these as they are).
 */
public final class PreparedValue {

    private final CachedValue value;
    private final long written;
    private final byte[] body;
    private final String version;
    private final String surrogateKey;
    private final String cacheTag;

    /** @param written when L1 took it, on L1's ticker */
    PreparedValue(CachedValue value, long written) {
        this.value = value;
        this.written = written;
        this.body = value.exists() ? value.body().getBytes(StandardCharsets.UTF_8) : null;
        this.version = Long.toString(value.version());
        this.surrogateKey = surrogateKeyHeader(value);
        this.cacheTag = cacheTagHeader(value);
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

    /** The body's UTF-8 bytes, or {@code null} for a negative entry; not to be modified. */
    public byte[] body() {
        return body;
    }

    public String version() {
        return version;
    }

    public String surrogateKey() {
        return surrogateKey;
    }

    public String cacheTag() {
        return cacheTag;
    }

    /** Heap bytes of the prepared form beyond the value: the body's bytes and the three header strings. */
    long extraBytes() {
        return (body == null ? 0 : 16 + body.length) + 3L * L1Cache.STRING_OVERHEAD
                + version.length() + surrogateKey.length() + cacheTag.length() + 32;
    }
}
