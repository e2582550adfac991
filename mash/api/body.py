"""Strict reading of JSON request bodies and query strings, before any schema sees them."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

import flask
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema
from webargs import core
from webargs.flaskparser import FlaskParser

from mash.api.auth import authenticate_request, current_caller
from mash.problems import (
    BodyTooLarge,
    InvalidFields,
    MalformedBody,
    NotFound,
    PersonalDataInQuery,
    UnsupportedMediaType,
)

F = TypeVar("F", bound=Callable[..., Any])
JSON_MEDIA_TYPES = frozenset({"application/json"})
MAX_NUMBER_DIGITS = 4300
PATH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,35}", re.ASCII)
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


class _Unreadable:
    """A JSON number the service will not read (over 4,300 digits, or beyond a float), kept to name its field."""


_UNREADABLE = _Unreadable()


def _read_int(text: str) -> int | _Unreadable:
    return int(text) if len(text) <= MAX_NUMBER_DIGITS else _UNREADABLE


def _read_float(text: str) -> float | _Unreadable:
    value = float(text)
    return value if math.isfinite(value) and len(text) <= MAX_NUMBER_DIGITS else _UNREADABLE


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    if _CONTROL.search(text):
        return "Must not contain NUL or other control characters."
    if _SURROGATE.search(text):
        return "Must not contain a lone surrogate (text that is not Unicode)."
    return None


def _inspect(value: Any, path: str, found: dict[str, list[str]]) -> None:
    where = path or "_body"
    if isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            found[where] = [problem]
    elif value is _UNREADABLE:
        found[where] = ["Must be a number of at most 4,300 digits that fits a double."]
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(key)
            if problem:
                found[where] = [f"A key {problem[0].lower()}{problem[1:]}"]
                continue
            _inspect(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _inspect(item, f"{path}.{index}" if path else str(index), found)


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """Parse a request body as strict JSON: UTF-8, no BOM, no duplicate keys, no NaN, an object at the top."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedBody("The body is not valid UTF-8.") from exc
    if text.startswith("\ufeff"):
        raise MalformedBody("The body must not start with a byte order mark.")
    try:
        document = json.loads(
            text,
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
            parse_int=_read_int,
            parse_float=_read_float,
        )
    except RecursionError as exc:
        raise MalformedBody("The body is nested too deeply.") from exc
    except json.JSONDecodeError as exc:
        raise MalformedBody(f"The body is not valid JSON (line {exc.lineno}, column {exc.colno}).") from exc
    if not isinstance(document, dict):
        raise InvalidFields("The body must be a JSON object.", errors={"_body": ["Must be a JSON object."]})
    found: dict[str, list[str]] = {}
    _inspect(document, "", found)
    if found:
        raise InvalidFields("Some values cannot be read safely.", errors=found)
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
        if len(raw) > flask.current_app.config["MASH_SETTINGS"].max_body_bytes:
            raise BodyTooLarge("Send a body of at most MASH_MAX_BODY_BYTES bytes.")
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


def malformed_path_id() -> bool:
    """Say whether an identifier in this request's path (`*_id`, `reference`) is not one this service could issue:
    at most 36 letters, digits, hyphens and underscores."""
    return any(
        not (isinstance(value, str) and PATH_ID.fullmatch(value))
        for name, value in (flask.request.view_args or {}).items()
        if name.endswith("_id") or name == "reference"
    )


def refuse_malformed_path_id() -> None:
    """Answer 404, without repeating it, a path naming an identifier this service could not have issued."""
    if malformed_path_id():
        raise NotFound("No such record.")


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint that authenticates every request once and reads bodies and queries strictly."""

    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(refuse_malformed_path_id)
        self.before_request(authenticate_request)

    def role_response(
        self, status_code: int, *, staff: type[Schema], partner: type[Schema], description: str
    ) -> Callable[[F], F]:
        """Dump what the view returns through the partner schema for a partner and the staff schema for staff (one
        object, two views), and declare the answer as either view: flask-smorest documents a view that returns a
        Response by the schema given here."""
        staff_view, partner_view = staff(), partner()
        documented = {"anyOf": [staff_view, partner_view], "description": description}

        def decorate(view: F) -> F:
            @functools.wraps(view)
            def answered(*args: Any, **kwargs: Any) -> flask.Response:
                schema = partner_view if current_caller().is_partner else staff_view
                return flask.jsonify(schema.dump(view(*args, **kwargs)))

            return cast(F, self.response(status_code, documented)(answered))

        return decorate
