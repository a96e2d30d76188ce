# What every proxied request carries. HTTP/1.1 with an empty Connection header lets the
# upstream keepalive pool reuse connections.
<#if bindsSource>
# Connect from the address the next hop's firewall and trusted-forwarder list know this host by,
# whichever interface the route would pick.
proxy_bind ${sourceAddress};
</#if>
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_set_header Host $host;
proxy_set_header X-Real-IP $remote_addr;
proxy_set_header X-Forwarded-For $remote_addr;
proxy_set_header X-Forwarded-Host $host;
<#if behindWaf>
# The scheme as the WAF host saw it.
proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
<#else>
proxy_set_header X-Forwarded-Proto $scheme;
</#if>
# The request's id (see the map in nginx.conf): the one the edge kept or made travels on.
proxy_set_header X-Request-ID $tierlift_request_id;
