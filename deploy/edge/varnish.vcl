vcl 4.1;

# Varnish in front of the catalog service, standing in for CloudFront locally (demos, tests).
# Requires varnish-modules for xkey (Debian: apt-get install varnish varnish-modules).
#
#   varnishd -F -a :6081 -f deploy/edge/varnish.vcl -s malloc,256m
#
# and run the service with CATALOG_EDGE_PURGE_VARNISH_URLS=http://127.0.0.1:6081.
#
# Policy: the origin decides what is cached and for how long (Cache-Control max-age / s-maxage);
# this file only adds a grace equal to stale-while-revalidate, keeps stale objects for conditional
# revalidation (If-None-Match → 304 from the origin), never caches admin or checkout answers, and
# tags every object with its Surrogate-Key so that `PURGE /` with `Surrogate-Key: k1 k2 …` drops
# exactly what depends on those keys.

import std;
import xkey;

# The catalog service. Nothing here is read from the environment (VCL has no env access): tests and
# demos generate a copy of this file with another port (VarnishServer in src/test/java/io/catalog/edge
# replaces the .port line below); in a deployment point .host/.port at the service or its load balancer.
backend catalog {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 1s;
    .first_byte_timeout = 10s;
}

# Who may purge. Localhost only by default; add the pods' network, e.g. "10.0.0.0"/8;
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.Surrogate-Key) {
            return (synth(400, "Surrogate-Key header required"));
        }
        # Hard purge, not softpurge: a soft-purged object would still be served during its grace
        # (stale-while-revalidate), which is exactly the stale price a purge must prevent.
        set req.http.X-Purged = xkey.purge(req.http.Surrogate-Key);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    if (req.url ~ "^/(admin|checkout)(/|\?|$)") {
        return (pass);
    }
    # Live changes (server-sent events): endless answers, each client its own; streamed, never queued.
    if (req.url ~ "^/events/") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The public API uses no cookies; a cookie must not split or bypass the cache.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # TTL: Varnish already takes it from s-maxage / max-age; nothing is overridden here.
    if (bereq.url ~ "^/(admin|checkout)(/|\?|$)" || beresp.http.Cache-Control ~ "(no-store|no-cache|private)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Grace = stale-while-revalidate (0s when absent: the regsub leaves no number, so the fallback).
    set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
            "^.*stale-while-revalidate=([0-9]+).*$", "\1") + "s", 0s);
    # Keep expired objects with an ETag so that Varnish revalidates with If-None-Match (a 304 from
    # the origin refreshes the stored object instead of transferring it again).
    if (beresp.http.ETag) {
        set beresp.keep = 5m;
    }
    # xkey indexes the `xkey` header: tag the object with the service's Surrogate-Key.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Varnish-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "HIT";
    } else {
        set resp.http.X-Varnish-Cache = "MISS";
    }
    unset resp.http.xkey;
    unset resp.http.Via;
}
