# The React build for the proxies, as plain HTTP on this host's address.
server {
    listen ${address}:${staticPort};
    server_name ${domain};
    access_log /var/log/nginx/static.access.log tierlift;
    error_log /var/log/nginx/static.error.log warn;
    include ${staticSnippet};
}
