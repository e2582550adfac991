"""Structured logs: one JSON line per event, never personal data."""

from __future__ import annotations

import logging
import sys

import structlog


def json_formatter() -> logging.Formatter:
    """Return a formatter that writes standard-library records (RQ's, gunicorn's, Alembic's) as JSON lines."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, structlog.processors.JSONRenderer()],
    )


def configure(level: str) -> None:
    """Send structlog and standard-library logs (RQ's, gunicorn's, Alembic's) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    logging.basicConfig(handlers=[handler], level=level.upper())
    # urllib3 logs the full URL of every retried request, and health checks carry NHS numbers in theirs.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    # The development server logs whole request lines, query strings included; our own request log replaces it.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
