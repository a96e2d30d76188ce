# Maintenance switch: while ${flag} exists, every request gets the maintenance page
# with status 503. The named location is reached without passing this check again.
if (-f ${flag}) {
    return 503;
}
error_page 503 @maintenance;
location @maintenance {
    root ${pageDir};
    try_files /index.html =503;
    add_header Cache-Control "no-store" always;
    add_header Retry-After "120" always;
    include ${responseHeadersSnippet};
}
