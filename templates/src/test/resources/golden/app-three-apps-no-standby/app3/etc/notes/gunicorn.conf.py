# Gunicorn settings of the notes API, placed by tierlift; local edits are overwritten.
# The same file on every tier that runs Gunicorn (on-prem hosts, EC2 instances).
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which the service's launcher builds from /etc/notes/app-env.json.
import multiprocessing

proc_name = "notes-api"
wsgi_app = "notes.app:app"
chdir = "/srv/notes/current/backend"
bind = "10.0.2.13:8000"
workers = 5
timeout = 2
graceful_timeout = 10
keepalive = 5
pidfile = "/run/notes/gunicorn.pid"
control_socket = "/run/notes/gunicorn.ctl"
accesslog = "/var/log/notes/access.log"
errorlog = "/var/log/notes/error.log"
# Gunicorn's default format plus the request id the edge set (X-Request-ID), so one request can be
# followed from the edge's log through this one.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'

# Only the proxies (on EC2: the load balancer, the only peer the security group admits) may set the
# client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "10.0.1.10,10.0.1.11"
proxy_allow_ips = "10.0.1.10,10.0.1.11"
