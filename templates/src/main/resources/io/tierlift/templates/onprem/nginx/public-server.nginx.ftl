# The client-facing server: plain HTTP only redirects; HTTPS<#if modsecurity> runs ModSecurity with the OWASP CRS and</#if>
# answers everything, unless the maintenance switch is on.
server {
    listen ${address}:${httpPort};
    server_name ${domain};
    access_log /var/log/nginx/redirect.access.log tierlift;
    return 301 https://${redirectAuthority}$request_uri;
}

server {
    listen ${address}:${httpsPort} ssl http2;
    server_name ${domain};
    access_log /var/log/nginx/public.access.log tierlift;
    error_log /var/log/nginx/public.error.log warn;
    include ${tlsSnippet};
<#if modsecurity>
    modsecurity on;
    modsecurity_rules_file ${modsecurityRules};
</#if>
    include ${maintenanceSnippet};
<#list locationSnippets as snippet>
    include ${snippet};
</#list>
}
