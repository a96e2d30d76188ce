# The Flask API on the app hosts, rate limited per client address.
location /api/ {
<#if bursts>
    limit_req zone=${rateLimitZone} burst=${burst} nodelay;
<#else>
    limit_req zone=${rateLimitZone};
</#if>
    proxy_pass http://${upstream};
    include ${proxyHeadersSnippet};
    include ${responseHeadersSnippet};
    proxy_connect_timeout ${connectTimeout};
    proxy_send_timeout ${timeout};
    proxy_read_timeout ${timeout};
    # A request that failed on one app host is tried on the next (POSTs only if not yet sent).
    proxy_next_upstream error timeout http_502 http_503 http_504;
    proxy_next_upstream_tries ${tries};
}
