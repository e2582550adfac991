"""The finishing touches on the generated OpenAPI document, so that integrators can build typed clients on it.

flask-smorest writes paths and schemas from the blueprints and marshmallow schemas; this module adds what they
cannot say: an operationId on every operation, RFC 9457 problems for every error an operation can answer, the
headers (Idempotency-Key, Location, Idempotent-Replayed, Retry-After, X-Request-ID), an example for every request
and answer, the Annex A CSV, the operations endpoints, servers and licence. It also makes the schemas honest for
code generators: every field of an answer required (answers
always carry every field, null when empty), and enumerations in answers extensible (`x-extensible-enum`), since
the service may add values.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from apispec import APISpec
from flask_smorest import Api

from mash.api.openapi_parts import (
    HEADERS,
    IDEMPOTENCY_KEY,
    OPERATIONS_PATHS,
    OPERATIONS_SCHEMAS,
    PROBLEM,
    PROBLEM_SCHEMA,
    PROBLEMS,
)
from schemas.contacts import ContactPartnerSchema, ContactReadSchema

EXAMPLES: dict[str, Any] = json.loads(Path(__file__).with_name("openapi_examples.json").read_text(encoding="utf-8"))
FIELDS: dict[str, str] = yaml.safe_load(Path(__file__).with_name("openapi_fields.yaml").read_text(encoding="utf-8"))
# Fields of an answer that one view leaves out (a match answered alone does not repeat its contact).
SOMETIMES_ABSENT: dict[str, tuple[str, ...]] = {"Match": ("contact_id", "contact_reference", "contact_received_at")}
METHODS = ("get", "post", "put", "patch", "delete")


def operation_id(method: str, path: str) -> str:
    """Name an operation after its method and path: post_contacts_by_contact_id_decision."""
    words = [re.sub(r"\{(\w+)\}", r"by_\1", part) for part in path.removeprefix("/api/v1/").strip("/").split("/")]
    return "_".join([method, *(re.sub(r"\W", "_", word) for word in words)])


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _closure(spec: dict[str, Any], names: set[str]) -> set[str]:
    schemas = spec["components"]["schemas"]
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    return seen


def _extensible(node: Any) -> None:
    """In answers, enumerations may gain values: declare them with x-extensible-enum instead of enum."""
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(node.get("enum"), list) and (kind == "string" or (isinstance(kind, list) and "string" in kind)):
            values = [value for value in node.pop("enum") if value is not None]
            node["x-extensible-enum"] = values
            listed = ", ".join(values)
            node["description"] = (node.get("description", "") + f" One of {listed}; more may be added.").strip()
        for value in node.values():
            _extensible(value)
    elif isinstance(node, list):
        for value in node:
            _extensible(value)


def _answers_only(spec: dict[str, Any]) -> set[str]:
    answers: set[str] = set()
    requests: set[str] = set()
    for _, _, operation in _operations(spec):
        answers |= set(_refs(operation.get("responses", {})))
        requests |= set(_refs(operation.get("requestBody", {})))
    return _closure(spec, answers) - _closure(spec, requests) - {"Problem"}


def _schemas(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    schemas.pop("Error", None)
    schemas.pop("PaginationMetadata", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas.update(OPERATIONS_SCHEMAS)
    for schema in schemas.values():
        for field, prop in schema.get("properties", {}).items():
            if not prop.get("description") and field in FIELDS:
                prop["description"] = FIELDS[field]
    for name in _answers_only(spec):
        schema = schemas[name]
        if "properties" in schema:
            schema["required"] = [p for p in schema["properties"] if p not in SOMETIMES_ABSENT.get(name, ())]
            _extensible(schema["properties"])


def _problem_response(code: str) -> dict[str, Any]:
    _, slug, text = PROBLEMS[code]
    example = {
        "type": f"/problems/{slug}",
        "title": text.split(",")[0].rstrip("."),
        "status": int(code),
        "detail": text,
    }
    response: dict[str, Any] = {
        "description": text,
        "headers": {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}},
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}, "example": example}},
    }
    if code == "401":
        response["headers"]["WWW-Authenticate"] = {"$ref": "#/components/headers/WWW-Authenticate"}
    return response


def _responses(spec: dict[str, Any]) -> None:
    components = spec["components"]
    components["headers"] = {name: copy.deepcopy(header) for name, header in HEADERS.items()}
    components["responses"] = {PROBLEMS[code][0]: _problem_response(code) for code in PROBLEMS}
    for path, method, operation in _operations(spec):
        responses = operation.setdefault("responses", {})
        responses.pop("default", None)
        wanted = ["400", "401", "403", "500"]
        if "{" in path:
            wanted.append("404")
        if operation.get("parameters") or "requestBody" in operation:
            wanted.append("422")
        if "requestBody" in operation:
            wanted += ["413", "415"]
        if (method in ("post", "delete") and "{" in path) or "409" in responses:
            wanted.append("409")
        for code in wanted:
            existing = responses.get(code, {})
            if PROBLEM in existing.get("content", {}):
                continue
            if code == "409" and existing.get("description"):
                responses[code] = {**_problem_response(code), "description": existing["description"]}
            else:
                responses[code] = {"$ref": f"#/components/responses/{PROBLEMS[code][0]}"}
        for code, response in responses.items():
            if code.startswith("2") and "$ref" not in response:
                response.setdefault("headers", {})["X-Request-ID"] = {"$ref": "#/components/headers/X-Request-ID"}


def _contacts(spec: dict[str, Any]) -> None:
    create = spec["paths"]["/api/v1/contacts"]["post"]
    create.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    created = create["responses"]["201"]
    created.setdefault("headers", {})["Location"] = {"$ref": "#/components/headers/Location"}
    created["headers"]["Idempotent-Replayed"] = {"$ref": "#/components/headers/Idempotent-Replayed"}
    conflict = _problem_response("409")
    conflict["description"] = (
        "The same contact (external reference and children) was already received: Location "
        "and existing_id name it. Or the first request with this Idempotency-Key is still "
        "in flight: Retry-After says when to try again."
    )
    conflict["headers"]["Location"] = {"$ref": "#/components/headers/Location"}
    conflict["headers"]["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    conflict["content"][PROBLEM]["example"] = EXAMPLES["post /api/v1/contacts"]["responses"]["409"]
    create["responses"]["409"] = conflict


def _annex_a(spec: dict[str, Any]) -> None:
    report = spec["paths"].get("/api/v1/reports/annex-a/contacts", {}).get("get")
    if report is None:
        return
    example = EXAMPLES["get /api/v1/reports/annex-a/contacts"]["responses"]["200"]
    report["responses"]["200"] = {
        "description": "Ofsted Annex A List 1 (contacts) as CSV: one row per child per contact, the contact source "
        "as its CIN code.",
        "headers": {
            "X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"},
            "Content-Disposition": {"$ref": "#/components/headers/Content-Disposition"},
        },
        "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
    }


def _examples(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        recorded = EXAMPLES.get(f"{method} {path}")
        if recorded is None:
            continue
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and "request" in recorded:
            body["example"] = recorded["request"]
        for code, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json")
            if content is None:
                continue
            variants = {k.split(":")[1]: v for k, v in recorded["responses"].items() if k.startswith(f"{code}:")}
            if variants and code in recorded["responses"]:
                content["examples"] = {
                    "staff": {"summary": "A staff role's view", "value": recorded["responses"][code]}
                }
                content["examples"].update({n: {"summary": f"The {n}'s view", "value": v} for n, v in variants.items()})
            elif code in recorded["responses"]:
                content["example"] = recorded["responses"][code]


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """Return the OpenAPI document with operation ids, problems, headers, examples and honest schemas."""
    spec = copy.deepcopy(document)
    spec["info"]["license"] = {"name": "MIT", "url": "https://opensource.org/licenses/MIT"}
    spec["info"]["contact"] = {"name": "MASH Front Door maintainers"}
    spec["servers"] = [{"url": "/", "description": "This service (the API is under /api/v1)."}]
    spec.setdefault("tags", []).append(
        {"name": "operations", "description": "Liveness, readiness and metrics, for load balancers and monitoring."}
    )
    spec["paths"].update(copy.deepcopy(OPERATIONS_PATHS))
    for path, method, operation in _operations(spec):
        operation.setdefault("operationId", operation_id(method, path))
    _contacts(spec)
    _annex_a(spec)
    _responses(spec)
    _examples(spec)
    _schemas(spec)
    return spec


class FinishedSpec(APISpec):
    """apispec's document, finished on the way out (for the served document and `mash openapi write` alike)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the finished OpenAPI document."""
        return finish(super().to_dict())


class FrontDoorApi(Api):  # type: ignore[misc]
    """flask-smorest's Api whose document is finished before anyone reads it."""

    def _init_spec(self, *args: Any, **kwargs: Any) -> None:
        super()._init_spec(*args, **kwargs)
        self.spec.__class__ = FinishedSpec
        self.spec.components.schema("ContactStaffView", schema=ContactReadSchema)
        self.spec.components.schema("ContactPartnerView", schema=ContactPartnerSchema)
