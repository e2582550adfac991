"""Operations: liveness, readiness, metrics, and the API docs' own assets."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

import flask_swagger_ui
from flask import Blueprint, Response, current_app, request, send_from_directory
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mash.api.auth import current_caller
from mash.db import get_session
from mash.services import health
from mash.services.callers import Permission

blp = Blueprint("ops", __name__)

SWAGGER_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"


@blp.get("/healthz")
def healthz() -> Any:
    """Say that the process is up."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz() -> Any:
    """Say whether the database and, when configured, Redis answer; with the screening backlog."""
    checks: dict[str, str] = {}
    ready = True
    try:
        with get_session().begin():
            get_session().execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        checks["database"], ready = "unavailable", False
    redis_url = current_app.config["MASH_SETTINGS"].redis_url
    if redis_url:
        try:
            Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2).ping()
            checks["redis"] = "ok"
        except RedisError:
            checks["redis"], ready = "unavailable", False
    body: dict[str, Any] = {"status": "ready" if ready else "not_ready", "checks": checks}
    if checks["database"] == "ok":
        body["detail"] = health.backlog(get_session())
    return body, 200 if ready else 503


def _is_scraper() -> bool:
    expected = current_app.config["MASH_SETTINGS"].metrics_token
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected)


@blp.get("/metrics")
def metrics() -> Response:
    """Expose Prometheus metrics to the scraper's token (MASH_METRICS_TOKEN) or a manager's or admin's."""
    if not _is_scraper():
        current_caller().require(Permission.READ_METRICS)
    return Response(current_app.extensions["mash.metrics"].render(), mimetype="text/plain; version=0.0.4")


@blp.get("/api/v1/docs/assets/<path:filename>")
def docs_assets(filename: str) -> Response:
    """Serve the interactive API docs' scripts and styles from this service (no CDN)."""
    response = send_from_directory(SWAGGER_ASSETS, filename, max_age=86400)
    return response
