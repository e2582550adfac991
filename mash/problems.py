"""Typed errors and their RFC 9457 problem+json rendering, in one place."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import Any

import structlog
from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"

log = structlog.get_logger(__name__)


class Problem(Exception):
    """An error the client can act on, rendered as problem+json."""

    status = 500
    slug = "internal-error"
    title = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers) if headers else {}
        self.extra = dict(extra) if extra else {}

    def body(self) -> dict[str, Any]:
        """Return the problem document."""
        doc: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            doc["errors"] = self.errors
        doc.update(self.extra)
        return doc


class MalformedBody(Problem):
    status, slug, title = 400, "malformed-body", "The request body is not valid JSON"


class BadRequest(Problem):
    status, slug, title = 400, "bad-request", "Bad request"


class PersonalDataInQuery(Problem):
    status, slug, title = 400, "personal-data-in-query", "Personal data must not be sent in a query string"


class Unauthenticated(Problem):
    status, slug, title = 401, "unauthenticated", "A valid bearer token is required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="mash"'})


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Your role may not do this"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class ContactNotFound(NotFound):
    slug, title = "contact-not-found", "No such contact"


class FlagNotFound(NotFound):
    slug, title = "flag-not-found", "No such flag"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class IdempotencyKeyInFlight(Conflict):
    slug, title = "idempotency-key-in-flight", "A request with this Idempotency-Key is still being processed"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "1"})


class DuplicateContact(Conflict):
    slug, title = "duplicate-contact", "This contact has already been received"

    def __init__(self, contact_id: str, reference: str) -> None:
        super().__init__(
            f"The same contact (same external reference and children) was received as {reference}.",
            headers={"Location": f"/api/v1/contacts/{contact_id}"},
            extra={"existing_id": contact_id, "existing_reference": reference},
        )


class FlagAlreadyOpen(Conflict):
    slug, title = "flag-already-open", "This contact already has an open flag of this kind"

    def __init__(self, flag_id: str) -> None:
        super().__init__(
            "Add to the open flag, or resolve it before raising another.",
            headers={"Location": f"/api/v1/flags/{flag_id}"},
            extra={"existing_id": flag_id},
        )


class FlagAlreadyResolved(Conflict):
    slug, title = "flag-already-resolved", "This flag has been resolved"


class BodyTooLarge(Problem):
    status, slug, title = 413, "body-too-large", "The request body is too large"


class UnsupportedMediaType(Problem):
    status, slug, title = 415, "unsupported-media-type", "The request body must be application/json"


class InvalidFields(Problem):
    status, slug, title = 422, "invalid-fields", "Some fields are invalid"


class IdempotencyKeyReused(Problem):
    status, slug, title = 422, "idempotency-key-reused", "This Idempotency-Key was used with a different body"


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into field paths such as children.0.nhs_number."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = "" if key == "_schema" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            for sub_path, sub_messages in flatten_errors(value, path).items():
                flat.setdefault(sub_path, []).extend(sub_messages)
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_body"] = [str(m) for m in messages]
        else:
            for item in messages:
                for sub_path, sub_messages in flatten_errors(item, prefix).items():
                    flat.setdefault(sub_path, []).extend(sub_messages)
    else:
        flat[prefix or "_body"] = [str(messages)]
    return flat


def problem_response(problem: Problem) -> Response:
    """Render a problem as an application/problem+json response."""
    response = Response(json.dumps(problem.body()), status=problem.status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


_HTTP_PROBLEMS: dict[int, type[Problem]] = {
    400: BadRequest,
    401: Unauthenticated,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    413: BodyTooLarge,
    415: UnsupportedMediaType,
    422: InvalidFields,
}


def _from_http_exception(exc: HTTPException) -> Problem:
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if code == 422 and messages is not None:
        located = messages.get("json", messages.get("query", messages)) if isinstance(messages, dict) else messages
        return InvalidFields(
            "Fix the fields listed in errors and send the request again.", errors=flatten_errors(located)
        )
    cls = _HTTP_PROBLEMS.get(code)
    if cls is None:
        generic = Problem(exc.description)
        generic.status, generic.slug, generic.title = code, "http-" + str(code), exc.name
        return generic
    if cls is Unauthenticated:
        return Unauthenticated()
    if cls is IdempotencyKeyInFlight:
        return IdempotencyKeyInFlight()
    problem = cls(exc.description if code not in (404, 405) else None)
    if code == 405 and exc.get_response().headers.get("Allow"):
        problem.headers["Allow"] = exc.get_response().headers["Allow"]
    return problem


def init_app(app: Flask) -> None:
    """Render every error, expected or not, as problem+json."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return problem_response(_from_http_exception(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        frames = [f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)]
        log.error("unhandled_exception", error_type=type(exc).__name__, frames=frames[-8:])
        return problem_response(Problem("The service could not complete the request."))
