# The React build. The root is a symlink that deploys switch atomically to a new release.
# Unknown paths get index.html (client-side routing); index.html is revalidated on every visit.
location / {
    root ${root};
    try_files $uri /index.html =404;
    gzip_static on;
    add_header Cache-Control "no-cache";
<#if responseHeaders>
    include ${responseHeadersSnippet};
</#if>
}

# Vite's content-hashed files never change under the same name.
location /assets/ {
    root ${root};
    try_files $uri =404;
    gzip_static on;
    add_header Cache-Control "public, max-age=31536000, immutable";
<#if responseHeaders>
    include ${responseHeadersSnippet};
</#if>
}
