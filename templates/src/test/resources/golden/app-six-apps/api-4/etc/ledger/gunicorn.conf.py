# Gunicorn settings of the ledger API, placed by tierlift; local edits are overwritten.
# The same file on every tier that runs Gunicorn (on-prem hosts, EC2 instances).
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which the service's launcher builds from /etc/ledger/app-env.json.
import multiprocessing

proc_name = "ledger-api"
wsgi_app = "ledger.web:create_app"
chdir = "/opt/ledger/current/backend"
bind = "172.16.1.14:9100"
workers = multiprocessing.cpu_count() * 2 + 1
timeout = 90
graceful_timeout = 60
keepalive = 5
pidfile = "/run/ledger/gunicorn.pid"
control_socket = "/run/ledger/gunicorn.ctl"
accesslog = "/var/log/ledger/access.log"
errorlog = "/var/log/ledger/error.log"
# Gunicorn's default format plus the request id the edge set (X-Request-ID), so one request can be
# followed from the edge's log through this one.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'

# Only the proxies (on EC2: the load balancer, the only peer the security group admits) may set the
# client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "172.16.0.10"
proxy_allow_ips = "172.16.0.10"
