# What CloudFront's behaviours (deploy/cdk, EdgeTier) let reach the origin, for a Varnish that stands in for
# CloudFront in tests (VarnishServer.startLikeCloudFront): runs before the shipped vcl_recv. EdgeTierTest checks that
# the three lists below are the CDK's.
#
#   /events/*             LIVE_QUERY_KEYS ids, category, lastEventId; the Last-Event-ID header
#   /admin/*, /checkout/*  everything (all viewer headers except Host, all query strings)
#   /q/*                  not served here (the ALB answers 404)
#   everything else       QUERY_KEYS category, limit, cursor, v; no viewer header
sub vcl_recv {
    if (req.url ~ "^/events/") {
        set req.url = regsuball(req.url, "([?&])(?!(?:ids|category|lastEventId)=)[^&]*", "\1");
    } else if (req.url !~ "^/(admin|checkout)(/|\?|$)") {
        set req.url = regsuball(req.url, "([?&])(?!(?:category|limit|cursor|v)=)[^&]*", "\1");
        unset req.http.Last-Event-ID;
    }
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]$", "");
}
