# Gunicorn settings of the shop API, placed by tierlift; local edits are overwritten.
# No secrets here: the app reads DATABASE_URL and its other variables from its environment,
# which envexec.py loads from /etc/shop/app-env.json.
import multiprocessing

proc_name = "shop-api"
wsgi_app = "shop.wsgi:application"
chdir = "/srv/shop/current/backend"
bind = "192.168.20.5:8000"
workers = multiprocessing.cpu_count() * 2 + 1
timeout = 30
graceful_timeout = 20
keepalive = 5
pidfile = "/run/shop/gunicorn.pid"
accesslog = "/var/log/shop/access.log"
errorlog = "/var/log/shop/error.log"

# Only the proxies may set the client address and scheme (X-Forwarded-For, X-Forwarded-Proto).
forwarded_allow_ips = "192.168.10.5"
proxy_allow_ips = "192.168.10.5"
