"""Gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value comes from the environment (see README "Deployment"), so the same
file serves a laptop benchmark and a fleet of app servers behind a proxy. Yes/no
and number values are read by the app's own helpers: a value they cannot read
stops gunicorn with an error naming the variable.
"""

import multiprocessing
import os

from config.env import envbool, envint

# Bind to loopback by default: a reverse proxy (nginx, a load balancer) sits in
# front and terminates TLS. Set GUNICORN_BIND=0.0.0.0:8000 in a container.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: pages are short and the database does the waiting.
# 2 * cores + 1 is gunicorn's own rule of thumb.
workers = envint("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1, minimum=1)
threads = envint("GUNICORN_THREADS", 1, minimum=1)
worker_class = "gthread" if threads > 1 else "sync"

# A PDF can take a few seconds to render; anything slower is stuck.
timeout = envint("GUNICORN_TIMEOUT", 60, minimum=0)
graceful_timeout = envint("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=0)
keepalive = envint("GUNICORN_KEEPALIVE", 5, minimum=0)

# WeasyPrint keeps fonts and layout caches that grow with every PDF. Recycling a
# worker after a number of requests gives that memory back; the jitter keeps all
# workers from restarting at the same moment.
max_requests = envint("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = envint("GUNICORN_MAX_REQUESTS_JITTER", 100, minimum=0)

# Load the app before forking so a broken setting fails at start, once.
preload_app = envbool("GUNICORN_PRELOAD", True)

# Logs to stdout/stderr for the service manager; "-" means the stream itself.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Request time in microseconds (%(D)s) helps spot slow pages in the access log. The path is
# logged without its query string, which carries the single sign-on code on /sso/callback/.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'

# The proxy on this host (or the load balancer's addresses) may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Keep the worker heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# A request body is read from the socket in steps of at most this many bytes. Gunicorn's own
# step (1 MiB) is held about three times over while it is buffered and split, which cost each
# evidence upload 3 MB of the worker's memory (bench/evidence.py, docs/evidence.md); 128 KiB
# keeps that under 0.5 MB, and is still 16 times gunicorn's 8 KiB reads that were slow.
BODY_READ_STEP = envint("GUNICORN_BODY_READ_STEP_KB", 128, minimum=1) * 1024


def post_fork(server, worker):
    from gunicorn.http import body, unreader  # type: ignore[import-untyped]

    # Both are module-level tunables of gunicorn 27; an older one without them reads 8 KiB steps.
    reader = unreader.SocketUnreader
    reader.max_body_chunk = min(getattr(reader, "max_body_chunk", BODY_READ_STEP), BODY_READ_STEP)
    body.MAX_READ_STEP = min(getattr(body, "MAX_READ_STEP", BODY_READ_STEP), BODY_READ_STEP)
