"""The application factory: a short chain of init steps; nothing happens at import."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from mash import db, headers, limits, metrics, problems, web
from mash import logging as mash_logging
from mash.api import (
    consent,
    contacts,
    flags,
    ops,
    reports,
    restriction,
    rules,
    sharing,
    suggestions,
    teams,
    triage,
)
from mash.api.body import reject_personal_query
from mash.api.openapi import FrontDoorApi
from mash.jobs import relay
from mash.screening.rulebook import require_statutory_floors
from mash.services import access_tokens
from mash.services.retention_policy import load_policy
from mash.settings import Settings

log = structlog.get_logger("mash.http")

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
API_VERSION = "1.0.0"


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        MASH_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes + 1,  # one byte more, to tell a chunked body cut at the limit
        API_TITLE="MASH Front Door",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs/",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {
                "description": "The wire contract of the MASH Front Door. docs/api.md in the repository explains it "
                "with examples."
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]


def _init_api(app: Flask) -> None:
    api = FrontDoorApi(app)
    api.register_blueprint(contacts.blp)
    api.register_blueprint(triage.blp)
    api.register_blueprint(flags.blp)
    api.register_blueprint(sharing.blp)
    api.register_blueprint(reports.blp)
    api.register_blueprint(teams.blp)
    api.register_blueprint(suggestions.blp)
    api.register_blueprint(rules.blp)
    api.register_blueprint(consent.blp)
    api.register_blueprint(restriction.blp)
    app.register_blueprint(ops.blp)
    problems.init_app(app)


def _before_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()
    structlog.contextvars.bind_contextvars(request_id=g.request_id)
    if request.path.startswith("/api/"):
        reject_personal_query()


def _dispatch_after_response(response: Response, session: Session) -> None:
    """Dispatch the request's committed outbox items once its answer is sent, so the caller never waits for them.

    The items are committed with the request's data, so a process that dies before they run loses nothing: the
    outbox sweep sends them again. With jobs in-process this keeps screening out of a POST's latency; with Redis,
    the enqueue.
    """
    send = current_app.extensions["mash.relay"].unit_of_work(session).end()
    if send is None:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def dispatch() -> None:
        with app.app_context():
            try:
                send()
            except Exception as exc:  # the sweep sends them again; the answer has already gone
                log.warning("dispatch_after_response_failed", error_type=type(exc).__name__)

    response.call_on_close(dispatch)


def _after_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    headers.secure(response, https=current_app.config["SESSION_COOKIE_SECURE"])
    session = g.get("mash_session")
    if session is not None:
        _dispatch_after_response(response, session)
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    app_metrics = current_app.extensions["mash.metrics"]
    app_metrics.requests.labels(request.method, endpoint, str(response.status_code)).inc()
    app_metrics.latency.labels(endpoint).observe(elapsed)
    caller = g.get("caller")
    log.info(
        "request",
        method=request.method,
        endpoint=endpoint,
        status=response.status_code,
        duration_ms=round(elapsed * 1000, 2),
        client=request.remote_addr,
        user_id=caller.user_id if caller else None,
        role=caller.role if caller else None,
    )
    structlog.contextvars.clear_contextvars()
    return response


def create_app(settings: Settings | None = None) -> Flask:
    """Build the MASH Front Door application from settings (read from the environment when not given).

    Refuses (RulebookError) a configured rulebook that weakens a statutory floor, and (RetentionPolicyError) a
    retention schedule that does not hold together.
    """
    settings = settings or Settings.from_env()
    mash_logging.configure(settings.log_level)
    require_statutory_floors(settings.rulebook_path)
    retention = load_policy(settings.retention_path)
    app = Flask(__name__)
    app.extensions["mash.retention_policy"] = retention
    if settings.proxy_count:
        n = settings.proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    _configure(app, settings)
    db.init_app(app, db.make_engine(settings.database_url))
    relay.init_app(app, settings)
    metrics.init_app(app)
    limits.init_app(app, settings)
    app.extensions["mash.access_tokens"] = access_tokens.AccessTokens(settings.oauth) if settings.oauth.issuer else None
    _init_api(app)
    web.init_app(app, settings)
    app.before_request(_before_request)
    app.after_request(_after_request)
    return app
