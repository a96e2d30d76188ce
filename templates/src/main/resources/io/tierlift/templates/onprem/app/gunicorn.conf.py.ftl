# Gunicorn settings of the ${app} API, placed by tierlift; local edits are overwritten.
# The same file on every tier that runs Gunicorn (on-prem hosts, EC2 instances).
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which the service's launcher builds from ${environmentFile}.
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
control_socket = "${controlSocket}"
accesslog = "${accessLog}"
errorlog = "${errorLog}"
# Gunicorn's default format plus the request id the edge set (X-Request-ID), so one request can be
# followed from the edge's log through this one.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'

# Only the proxies (on EC2: the load balancer, the only peer the security group admits) may set the
# client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "${forwardedAllowIps}"
proxy_allow_ips = "${proxyAllowIps}"
