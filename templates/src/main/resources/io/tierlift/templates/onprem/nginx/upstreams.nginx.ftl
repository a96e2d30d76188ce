# Backends of this host. Passive health checks: a server that fails ${maxFails} times is left out
# for ${failTimeout}, then tried again.
<#list upstreams as upstream>

upstream ${upstream.name} {
<#list upstream.servers as server>
    server ${server.address}:${server.port} max_fails=${maxFails} fail_timeout=${failTimeout};
</#list>
    keepalive ${upstream.keepalive};
}
</#list>
