# Gunicorn settings of the notes API, placed by tierlift; local edits are overwritten.
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which envexec.py loads from /etc/notes/app-env.json.
import multiprocessing

proc_name = "notes-api"
wsgi_app = "notes.app:app"
chdir = "/srv/notes/current/backend"
bind = "10.0.2.12:8100"
workers = 4
timeout = 30
graceful_timeout = 20
keepalive = 5
pidfile = "/run/notes/gunicorn.pid"
accesslog = "/var/log/notes/access.log"
errorlog = "/var/log/notes/error.log"

# Only the proxies may set the client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "10.0.1.10"
proxy_allow_ips = "10.0.1.10"
