package io.catalog.edge;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.catalog.model.SurrogateKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Purges Varnish (or any cache speaking the same dialect) with {@code PURGE /} and a {@code Surrogate-Key} header
 * listing the keys, once per configured base URL. The shipped VCL ({@code deploy/edge/varnish.vcl}) answers it with
 * {@code xkey.purge()}. Keys are split over several requests so that no header exceeds {@link #MAX_HEADER_CHARS}
 * (Varnish refuses request headers above {@code http_req_hdr_len}, 8 KB by default).
 *
 * <p>
 * Requests go through Vert.x's HTTP client, on the application's event loops: nothing blocks and no thread is
 * started. (The JDK's asynchronous client started one thread per request where the common {@code ForkJoinPool} is
 * off, on 2 CPUs or fewer: {@code cache.L1Cache}, "No thread per update", has the cause.) A retry of the same batch
 * only repeats the requests that have not succeeded yet.
 */
public class VarnishTarget implements EdgeTarget {

    /**
     * Upper bound of one {@code Surrogate-Key} header value: under Varnish's default {@code http_req_hdr_len} (8,192
     * bytes for the whole header line) with room to spare, so that a 1,000-item batch's keys take three requests.
     */
    static final int MAX_HEADER_CHARS = 7000;

    static final HttpMethod PURGE = HttpMethod.valueOf("PURGE");

    private final List<URI> urls;
    private final Duration timeout;
    private final HttpClient client;
    private final PurgeMetrics metrics;

    public VarnishTarget(List<String> baseUrls, Duration timeout, Vertx vertx, MeterRegistry registry) {
        this.urls = baseUrls.stream().map(String::trim).filter(u -> !u.isEmpty())
                .map(u -> URI.create(u).resolve("/")).toList();
        this.timeout = timeout;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                // a batch's purges and their retries at once; idle connections closed before Varnish's timeout_idle
                // (5 s) closes them under a request
                .setMaxPoolSize(16).setKeepAliveTimeout(4));
        this.metrics = new PurgeMetrics(registry, name());
    }

    @Override
    public String name() {
        return "varnish";
    }

    @Override
    public Uni<Void> purge(Set<String> keys) {
        Set<RequestOptions> remaining = ConcurrentHashMap.newKeySet();
        for (String header : headers(keys)) {
            urls.forEach(url -> remaining.add(request(url, header)));
        }
        return Uni.createFrom().deferred(() -> sendAll(remaining));
    }

    /** The {@code Surrogate-Key} header values that carry {@code keys}, each at most {@link #MAX_HEADER_CHARS}. */
    static List<String> headers(Collection<String> keys) {
        List<String> headers = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String key : keys) {
            if (current.length() > 0 && current.length() + 1 + key.length() > MAX_HEADER_CHARS) {
                headers.add(current.toString());
                current.setLength(0);
            }
            current.append(current.length() > 0 ? " " : "").append(key);
        }
        if (current.length() > 0) {
            headers.add(current.toString());
        }
        return headers;
    }

    private RequestOptions request(URI url, String header) {
        return new RequestOptions().setAbsoluteURI(url.toString()).setMethod(PURGE)
                .putHeader(SurrogateKeys.HEADER, header).setIdleTimeout(timeout.toMillis());
    }

    private Uni<Void> sendAll(Set<RequestOptions> remaining) {
        if (remaining.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = List.copyOf(remaining).stream().map(r -> send(r).invoke(() -> remaining.remove(r)))
                .toList();
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }

    /** One request, its answer's status once its body (if any) was read; within the timeout, connection included. */
    private Uni<Void> send(RequestOptions request) {
        return Uni.createFrom().deferred(() -> client.request(request))
                .chain(r -> r.send())
                .chain(response -> response.body().replaceWith(response.statusCode()))
                .ifNoItem().after(timeout).fail()
                .onItemOrFailure().transformToUni((status, failure) -> {
                    if (failure == null && status / 100 == 2) {
                        metrics.count(PurgeMetrics.SUCCESS);
                        return Uni.createFrom().voidItem();
                    }
                    metrics.count(PurgeMetrics.FAILURE);
                    return Uni.createFrom().failure(failure != null ? failure
                            : new IllegalStateException("PURGE " + request.getURI() + " answered " + status));
                });
    }
}
