# Gunicorn settings of the ${app} API, rendered by tierlift.
import multiprocessing

wsgi_app = "${wsgi}"
bind = "${bind}"
<#if fixedWorkers>
workers = ${workers}
<#else>
workers = multiprocessing.cpu_count() * 2 + 1
</#if>
timeout = ${timeout}
graceful_timeout = ${gracefulTimeout}
# The instances' security group admits only the load balancer, so every peer is the ALB and its
# X-Forwarded-* headers (client address, https) can be trusted.
forwarded_allow_ips = "*"
accesslog = "-"
errorlog = "-"
proc_name = "${app}"
