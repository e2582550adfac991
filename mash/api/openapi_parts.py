"""The parts of the OpenAPI document that flask-smorest cannot write: problems, headers, operations endpoints."""

from __future__ import annotations

from typing import Any

PROBLEM = "application/problem+json"

PROBLEMS: dict[str, tuple[str, str, str]] = {
    "400": (
        "BadRequest",
        "malformed-body",
        "The body is not valid JSON, a header or cursor is malformed, or a query "
        "parameter is named like a personal detail.",
    ),
    "401": ("Unauthenticated", "unauthenticated", "No bearer token, or an unknown or revoked one."),
    "403": ("Forbidden", "forbidden", "The caller's role may not do this."),
    "404": ("NotFound", "not-found", "No such record, or one the caller may not see."),
    "409": ("Conflict", "conflict", "The record is not in a state that allows this."),
    "413": ("PayloadTooLarge", "body-too-large", "The body is larger than the service accepts (256 KiB by default)."),
    "415": ("UnsupportedMediaType", "unsupported-media-type", "The body is not application/json."),
    "422": ("UnprocessableEntity", "invalid-fields", "Fields that fail the contract's rules, each named in errors."),
    "500": ("InternalError", "internal-error", "A fault of the service; quote the X-Request-ID when reporting it."),
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, for a person and for a program.",
    "properties": {
        "type": {"type": "string", "description": "A relative URI naming the kind of problem (/problems/<slug>)."},
        "title": {"type": "string", "description": "A short summary of the kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong with this request, for a person."},
        "errors": {
            "type": "object",
            "description": "For invalid input: each field path (children.0.nhs_number) with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "existing_id": {"type": "string", "description": "For a duplicate contact: the id of the one received."},
        "existing_reference": {"type": "string", "description": "For a duplicate contact: its reference."},
    },
    "required": ["type", "title", "status", "detail"],
}

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id (the caller's own when it sent a valid one); quote it when reporting.",
        "schema": {"type": "string"},
    },
    "Location": {"description": "Where the record is.", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
    "WWW-Authenticate": {"description": "How to authenticate: Bearer.", "schema": {"type": "string"}},
    "Content-Disposition": {"description": "The file name to save the report as.", "schema": {"type": "string"}},
}

IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A key for this contact (1-255 printable characters), scoped to the caller's organisation. The "
    "same key with the same body answers the first answer again and creates nothing; with another body, 422; "
    "while the first request is in flight, 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "example": "cad-1234-21nov",
}

OPERATIONS_PATHS: dict[str, Any] = {
    "/healthz": {
        "get": {
            "operationId": "get_healthz",
            "tags": ["operations"],
            "summary": "Say that the process is up.",
            "security": [],
            "responses": {
                "200": {
                    "description": "The process is up.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Health"},
                            "example": {"status": "ok"},
                        }
                    },
                }
            },
        }
    },
    "/readyz": {
        "get": {
            "operationId": "get_readyz",
            "tags": ["operations"],
            "summary": "Say whether the database and, when configured, Redis answer; with the screening backlog.",
            "security": [],
            "responses": {
                code: {
                    "description": text,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}, "example": example}
                    },
                }
                for code, text, example in (
                    (
                        "200",
                        "Ready.",
                        {
                            "status": "ready",
                            "checks": {"database": "ok", "redis": "ok"},
                            "detail": {"awaiting_screening": 0, "screening_failed": 0, "jobs_pending": 0},
                        },
                    ),
                    (
                        "503",
                        "Not ready: a dependency does not answer.",
                        {
                            "status": "not_ready",
                            "checks": {"database": "ok", "redis": "unavailable"},
                            "detail": {"awaiting_screening": 3, "screening_failed": 0, "jobs_pending": 3},
                        },
                    ),
                )
            },
        }
    },
    "/metrics": {
        "get": {
            "operationId": "get_metrics",
            "tags": ["operations"],
            "summary": "Prometheus metrics, for a manager's or admin's token or the scraper token "
            "(MASH_METRICS_TOKEN).",
            "responses": {
                "200": {
                    "description": "Metrics in the Prometheus text format.",
                    "content": {
                        "text/plain": {
                            "schema": {"type": "string"},
                            "example": "mash_outbox_pending 0.0\nmash_screening_failed 0.0\n",
                        }
                    },
                },
            },
        }
    },
}

OPERATIONS_SCHEMAS: dict[str, Any] = {
    "Health": {
        "type": "object",
        "properties": {"status": {"type": "string", "description": "ok while the process is up."}},
        "required": ["status"],
    },
    "Readiness": {
        "type": "object",
        "properties": {
            "status": {
                "type": "string",
                "description": "ready or not_ready.",
                "x-extensible-enum": ["ready", "not_ready"],
            },
            "checks": {
                "type": "object",
                "description": "Each dependency (database, redis) with ok or unavailable.",
                "additionalProperties": {"type": "string"},
            },
            "detail": {
                "type": "object",
                "description": "The backlog: contacts awaiting screening, screenings failed for good, jobs pending.",
                "additionalProperties": {"type": "integer"},
            },
        },
        "required": ["status", "checks"],
    },
}
