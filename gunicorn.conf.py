"""gunicorn's configuration for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Each value can be changed from the environment: GUNICORN_BIND (default 0.0.0.0:8000), GUNICORN_WORKERS (2),
GUNICORN_THREADS (4), GUNICORN_TIMEOUT (30 seconds). The service's own settings are checked before any worker
starts: a bad one stops gunicorn with one line naming it, and exit status 1.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import gunicorn.http.wsgi
import gunicorn.util

from mash.logging import json_formatter
from mash.serving import problem_reply
from mash.settings import SettingError, Settings

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Requests are logged by the service itself as JSON lines without query strings; gunicorn's access log would repeat
# them as text, query strings included.
accesslog = None
# gunicorn's own messages as JSON lines, like the service's.
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": json_formatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
# A worker recycled now and then returns memory a long-lived process would keep.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The Server header names no software or version (gunicorn reads this module's name for it on every response).
gunicorn.http.wsgi.SERVER = "MASH"


def _problem_error(sock: Any, status_int: int, reason: str, _mesg: str) -> None:
    """Answer what gunicorn refuses before the app sees it (431 for headers too large, 414, 400) as problem+json,
    without repeating the request back."""
    gunicorn.util.write_nonblock(sock, problem_reply(status_int, reason))


gunicorn.util.write_error = _problem_error


def on_starting(server: Any) -> None:
    """Check the service's settings before any worker is started."""
    try:
        Settings.from_env()
    except SettingError as exc:
        print(f"mash: {exc}", file=sys.stderr)
        sys.exit(1)
