"""Opaque cursors for keyset pagination: the sort key of the last row seen, encoded."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from mash.problems import BadRequest

CURSOR_YEARS = range(1900, 9999)
MAX_RANK = 2**31 - 1
MAX_KEY_LENGTH = 64


def encode(*values: Any) -> str:
    """Encode the last row's sort key (datetimes as ISO 8601) as an opaque cursor."""
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a date-time without an offset")
    in_utc = moment.astimezone(UTC)
    if in_utc.year not in CURSOR_YEARS:
        raise ValueError("a date-time out of range")
    return in_utc


def _rank(value: Any) -> int:
    if type(value) is not int or not -MAX_RANK <= value <= MAX_RANK:
        raise ValueError("not a rank")
    return value


def _key(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_KEY_LENGTH or not value.isprintable():
        raise ValueError("not a key")
    return value


_READERS = {datetime: _moment, int: _rank, str: _key}


def decode(cursor: str, *kinds: type) -> tuple[Any, ...]:
    """Decode a cursor into values of the given kinds (datetime, int, str); refuse one not issued here."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError("wrong shape")
        return tuple(_READERS[kind](value) for kind, value in zip(kinds, values, strict=True))
    except (ValueError, TypeError, OverflowError) as exc:
        raise BadRequest("The cursor is not one this service issued.", errors={"cursor": ["Invalid cursor."]}) from exc
