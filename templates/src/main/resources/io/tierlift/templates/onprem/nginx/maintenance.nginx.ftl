# Maintenance switch: while ${flag} exists, every request gets the maintenance page
# with status 503. The page is an internal URI rather than a named location: nginx fetches a
# URI error page with GET, so writes (POST, PUT, DELETE) get the page too, where a named
# location keeps the method and the static handler answers 405. The page's own URI passes
# the check, which otherwise runs again on the internal redirect.
set $tierlift_maintenance "";
if (-f ${flag}) {
    set $tierlift_maintenance on;
}
if ($uri = /tierlift-maintenance.html) {
    set $tierlift_maintenance "";
}
if ($tierlift_maintenance = on) {
    return 503;
}
error_page 503 /tierlift-maintenance.html;
location = /tierlift-maintenance.html {
    internal;
    alias ${pageDir}/index.html;
    add_header Cache-Control "no-store" always;
    add_header Retry-After "120" always;
    include ${responseHeadersSnippet};
}
