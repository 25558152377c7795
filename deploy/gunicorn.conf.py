"""gunicorn settings for the web application (``gunicorn -c deploy/gunicorn.conf.py config.wsgi``).

Several worker processes, each with a few threads (gthread): pages wait on the database more than
they compute, and processes sidestep the GIL. Read from the environment so systemd and compose
share this file.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("CITYHALL_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CITYHALL_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
worker_class = "gthread"
threads = int(os.environ.get("CITYHALL_WEB_THREADS", "4"))
timeout = 60  # a report export may take a while; a stuck worker is replaced after this
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (memory held by large exports)
max_requests_jitter = 200
# The proxy's headers are trusted from this address only (nginx on the same machine).
forwarded_allow_ips = os.environ.get("CITYHALL_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the application logs each request itself, as JSON with its request ID
errorlog = "-"
loglevel = os.environ.get("CITYHALL_LOG_LEVEL", "info").lower()


def on_starting(server):
    """The metrics of every worker are kept in files (prometheus_client's multi-process mode): start
    from an empty directory, so a restart does not add the last run's counts."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker that ended leaves its gauges behind; its counters stay summed (Prometheus semantics)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
