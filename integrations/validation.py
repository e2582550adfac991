"""Small, strict readers for partner JSON: each returns a typed value or raises ShapeError naming the path.

Messages name the path and what was expected, never the value found: partner bodies carry personal data and
these messages end up in logs and on information-sharing records.
"""

import math
import re
from collections.abc import Collection
from datetime import date

_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


class ShapeError(ValueError):
    """A partner body does not have the shape its API promises."""


def as_object(value: object, where: str) -> dict[str, object]:
    """Return value as a JSON object or raise ShapeError."""
    if not isinstance(value, dict):
        raise ShapeError(f"{where}: expected an object")
    return value


def as_list(value: object, where: str) -> list[object]:
    """Return value as a JSON array or raise ShapeError."""
    if not isinstance(value, list):
        raise ShapeError(f"{where}: expected an array")
    return value


def required(mapping: dict[str, object], key: str, where: str) -> object:
    """Return mapping[key], raising ShapeError when the key is missing or null."""
    value = mapping.get(key)
    if value is None:
        raise ShapeError(f"{where}.{key}: missing")
    return value


def as_str(value: object, where: str, *, max_length: int = 200) -> str:
    """Return value as a non-empty string of at most max_length characters or raise ShapeError."""
    if not isinstance(value, str) or not value.strip():
        raise ShapeError(f"{where}: expected a non-empty string")
    if len(value) > max_length:
        raise ShapeError(f"{where}: longer than {max_length} characters")
    return value


def as_optional_str(value: object, where: str, *, max_length: int = 200) -> str | None:
    """Return value as a string, or None when it is null."""
    return None if value is None else as_str(value, where, max_length=max_length)


def as_code(value: object, where: str) -> str:
    """Return value as a lower-case snake_case code or raise ShapeError."""
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ShapeError(f"{where}: expected a lower-case code")
    return value


def as_choice(value: object, where: str, choices: Collection[str]) -> str:
    """Return value when it is one of choices or raise ShapeError."""
    if not isinstance(value, str) or value not in choices:
        raise ShapeError(f"{where}: expected one of {', '.join(sorted(choices))}")
    return value


def as_bool(value: object, where: str) -> bool:
    """Return value as a boolean or raise ShapeError."""
    if not isinstance(value, bool):
        raise ShapeError(f"{where}: expected true or false")
    return value


def as_count(value: object, where: str) -> int:
    """Return value as a non-negative integer or raise ShapeError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ShapeError(f"{where}: expected a non-negative integer")
    return value


def as_percent(value: object, where: str) -> float:
    """Return value as a finite number from 0 to 100 or raise ShapeError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ShapeError(f"{where}: expected a number")
    if not 0 <= value <= 100:
        raise ShapeError(f"{where}: expected a percentage from 0 to 100")
    return float(value)


def as_date(value: object, where: str) -> date:
    """Return value parsed from YYYY-MM-DD or raise ShapeError."""
    if not isinstance(value, str) or len(value) != 10:
        raise ShapeError(f"{where}: expected a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ShapeError(f"{where}: expected a YYYY-MM-DD date") from None
