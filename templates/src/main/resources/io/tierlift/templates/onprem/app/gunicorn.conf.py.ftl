# Gunicorn settings of the ${app} API, placed by tierlift; local edits are overwritten.
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which envexec.py loads from ${environmentFile}.
import multiprocessing

proc_name = "${app}-api"
wsgi_app = "${wsgiApp}"
chdir = "${chdir}"
bind = "${bindAddress}:${port}"
<#if fixedWorkers>
workers = ${workers}
<#else>
workers = multiprocessing.cpu_count() * 2 + 1
</#if>
timeout = ${timeoutSeconds}
graceful_timeout = ${gracefulTimeoutSeconds}
keepalive = ${keepaliveSeconds}
pidfile = "${pidFile}"
accesslog = "${accessLog}"
errorlog = "${errorLog}"

# Only the proxies may set the client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "${forwardedAllowIps}"
proxy_allow_ips = "${proxyAllowIps}"
