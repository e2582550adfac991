"""Strict reading of JSON request bodies and query strings, before any schema sees them."""

from __future__ import annotations

import json
from typing import Any

import flask
from flask_smorest import Blueprint
from marshmallow import RAISE
from webargs import core
from webargs.flaskparser import FlaskParser

from mash.api.auth import authenticate_request
from mash.problems import InvalidFields, MalformedBody, PersonalDataInQuery, UnsupportedMediaType

JSON_MEDIA_TYPES = frozenset({"application/json"})
PERSONAL_QUERY_NAMES = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "surname",
        "forename",
        "dob",
        "date_of_birth",
        "nhs",
        "nhs_number",
        "postcode",
        "address",
        "email",
        "phone",
        "school",
        "child",
        "adult",
    }
)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedBody(f"The key {json.dumps(key)} appears twice in one object.")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise MalformedBody(f"{name} is not a JSON number.")


def _control_characters(value: Any, path: str, found: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
            found[path or "_body"] = ["Must not contain NUL or other control characters."]
    elif isinstance(value, dict):
        for key, item in value.items():
            _control_characters(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _control_characters(item, f"{path}.{index}" if path else str(index), found)


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """Parse a request body as strict JSON: UTF-8, no BOM, no duplicate keys, no NaN, an object at the top."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedBody("The body is not valid UTF-8.") from exc
    if text.startswith("\ufeff"):
        raise MalformedBody("The body must not start with a byte order mark.")
    try:
        document = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise MalformedBody("The body is nested too deeply.") from exc
    except json.JSONDecodeError as exc:
        raise MalformedBody(f"The body is not valid JSON (line {exc.lineno}, column {exc.colno}).") from exc
    if not isinstance(document, dict):
        raise InvalidFields("The body must be a JSON object.", errors={"_body": ["Must be a JSON object."]})
    found: dict[str, list[str]] = {}
    _control_characters(document, "", found)
    if found:
        raise InvalidFields("Some text contains control characters.", errors=found)
    return document


class StrictParser(FlaskParser):
    """The webargs parser with strict JSON bodies; unknown fields are refused wherever they come from."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "json": RAISE,
    }

    def _raw_load_json(self, req: flask.Request) -> Any:
        raw = req.get_data(cache=True)
        if not raw:
            return core.missing
        if req.mimetype not in JSON_MEDIA_TYPES:
            raise UnsupportedMediaType("Send the body as application/json.")
        return parse_json_body(raw)


def reject_personal_query() -> None:
    """Refuse a request whose query string names personal details (query strings end up in logs)."""
    personal = sorted(name for name in flask.request.args if name.lower() in PERSONAL_QUERY_NAMES)
    if personal:
        raise PersonalDataInQuery(
            "Search by personal details is not offered through query strings.",
            errors={name: ["Personal data must not be sent in a query string."] for name in personal},
        )


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint that authenticates every request once and reads bodies and queries strictly."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(authenticate_request)
