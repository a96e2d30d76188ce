# The proxy behind the WAF: plain HTTP from the WAF hosts only (the host firewall keeps others out).
# The client address comes from the WAF's X-Forwarded-For, so rate limits and logs see the client.
server {
    listen ${address}:${httpPort};
    server_name ${domain};
    access_log /var/log/nginx/proxy.access.log tierlift;
    error_log /var/log/nginx/proxy.error.log warn;
<#list wafAddresses as wafAddress>
    set_real_ip_from ${wafAddress};
</#list>
    real_ip_header X-Forwarded-For;
<#list locationSnippets as snippet>
    include ${snippet};
</#list>
}
