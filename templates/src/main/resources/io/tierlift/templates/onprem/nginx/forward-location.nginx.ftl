# Everything that no other location matches goes to ${upstream}.
location / {
    proxy_pass http://${upstream};
    include ${proxyHeadersSnippet};
    include ${responseHeadersSnippet};
    proxy_connect_timeout ${connectTimeout};
    proxy_send_timeout ${timeout};
    proxy_read_timeout ${timeout};
    proxy_next_upstream error timeout http_502 http_503 http_504;
    proxy_next_upstream_tries ${tries};
}
