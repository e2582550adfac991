"""RQ jobs: thin functions that open a session, call one service and let errors raise so that RQ retries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from mash.app import create_app
from mash.settings import Settings


@cache
def _worker_app() -> Flask:
    return create_app()


@contextmanager
def job_session() -> Iterator[tuple[Session, Settings]]:
    """Yield a fresh session and the settings, from the running app or one built from the environment."""
    if has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with _session(app) as pair:
            yield pair
    else:
        app = _worker_app()
        with app.app_context(), _session(app) as pair:
            yield pair


@contextmanager
def _session(app: Flask) -> Iterator[tuple[Session, Settings]]:
    with app.extensions["mash.relay"].unit_of_work() as session:
        yield session, app.config["MASH_SETTINGS"]
