# nginx on ${hostName}, rendered by tierlift: edits here are replaced on the next deploy.
# Only tierlift's own files are included; nothing from Debian's sites-enabled or conf.d.
<#if modsecurity>
load_module ${modsecurityModule};
</#if>
user ${user};
worker_processes auto;
worker_rlimit_nofile 8192;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log warn;

events {
    worker_connections 4096;
}

http {
    include ${mimeTypes};
    default_type application/octet-stream;
    charset utf-8;

    # One id per request, from the edge to the database: a well-formed X-Request-ID (the client's, or the
    # one the host in front of this one set) is kept; anything else is replaced by nginx's own. At most
    # 63 characters, so the app can pass it whole as PostgreSQL's application_name.
    map $http_x_request_id $tierlift_request_id {
        "~^[A-Za-z0-9._-]{8,63}$" $http_x_request_id;
        default $request_id;
    }
    log_format tierlift '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                        '"$http_referer" "$http_user_agent" request_id=$tierlift_request_id '
                        'request_time=$request_time '
                        'upstream=$upstream_addr upstream_status=$upstream_status upstream_time=$upstream_response_time';
    access_log /var/log/nginx/access.log tierlift;

    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    types_hash_max_size 2048;
    server_tokens off;
    client_max_body_size ${maxBodySize};

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/plain text/css text/xml text/javascript application/javascript application/json
               application/xml application/manifest+json image/svg+xml application/wasm;

<#list includes as file>
    include ${file};
</#list>
}
