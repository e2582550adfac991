"""Opaque cursors for keyset pagination: the sort key of the last row seen, encoded."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from mash.problems import BadRequest


def encode(*values: Any) -> str:
    """Encode the last row's sort key (datetimes as ISO 8601) as an opaque cursor."""
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *kinds: type) -> tuple[Any, ...]:
    """Decode a cursor into values of the given kinds (datetime from ISO 8601); refuse one not issued here."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError("wrong shape")
        return tuple(
            datetime.fromisoformat(value) if kind is datetime else kind(value)
            for kind, value in zip(kinds, values, strict=True)
        )
    except (ValueError, TypeError) as exc:
        raise BadRequest("The cursor is not one this service issued.", errors={"cursor": ["Invalid cursor."]}) from exc
