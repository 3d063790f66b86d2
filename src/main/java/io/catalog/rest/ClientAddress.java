package io.catalog.rest;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who a request comes from, for everything counted per client (the rate limit, the live streams a client may hold):
 * the address in {@code catalog.rate-limit.client-header} when that is set and present (a proxy that is the only way
 * in, such as CloudFront's {@code CloudFront-Viewer-Address}), else the remote address Quarkus reports, which with
 * {@code quarkus.http.proxy.*} is the address the trusted proxy forwarded. One definition, so that a client behind a
 * CDN is never counted as the CDN's address by one limit and as itself by another.
 */
@ApplicationScoped
public class ClientAddress {

    private final String header;

    public ClientAddress(CatalogConfig config) {
        this.header = config.rateLimit().clientHeader().orElse(null);
    }

    /** The client of {@code request}. */
    public String of(HttpServerRequest request) {
        String named = header == null ? null : request.getHeader(header);
        if (named != null && !named.isBlank()) {
            return withoutPort(named.trim());
        }
        SocketAddress remote = request.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }

    /**
     * {@code address:port} (as CloudFront-Viewer-Address has it, IPv6 too) without the port: the part after the last
     * colon, so that a client does not become a new one with each connection.
     */
    static String withoutPort(String value) {
        int colon = value.lastIndexOf(':');
        String address = colon > 0 ? value.substring(0, colon) : value;
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }
}
