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
# Scheme and request id as the WAF host saw and made them.
proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
proxy_set_header X-Request-ID $http_x_request_id;
<#else>
proxy_set_header X-Forwarded-Proto $scheme;
proxy_set_header X-Request-ID $request_id;
</#if>
