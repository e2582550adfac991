"""The cleaning liia-tools applies to Annex A Lists 1-3, from its published specification.

liiatools 0.2.0 is on PyPI but does not install on Python 3.11 (it pins cchardet 2.1.7, which does not build), so
this reimplements its cleaning of one cell exactly: `clean_cell_category` (a category matches when its code is in
the value, its name equals the value, or one of its regular expressions matches; first category wins),
`to_date` (%d/%m/%Y), `to_integer`, and the "may be blank" rule of each column, reading the specification copied
from liiatools into tests/data/liia_annex_a.yaml.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

SPEC: dict[str, Any] = yaml.safe_load((Path(__file__).parent.parent / "data" / "liia_annex_a.yaml").read_text())
LIST_NAMES = {"contacts": "List 1", "early-help": "List 2", "referrals": "List 3"}
_FLAGS = {"i": re.I, "m": re.M, "s": re.S, "u": re.U, "x": re.X}


def _regex(spec: str) -> re.Pattern[str]:
    separator = re.escape(spec[0])
    match = re.compile(f"{separator}(.+)({separator}([imsulx]+)?)").match(spec)
    assert match is not None, spec
    flags = 0
    for flag in match.group(3) or "":
        flags |= _FLAGS[flag]
    return re.compile(match.group(1), flags)


def clean_category(value: str, categories: list[dict[str, Any]]) -> tuple[str, bool]:
    """Return (cleaned value, formatting error) as liia-tools' clean_cell_category does."""
    for category in categories:
        if not value:
            return "", False
        if str(category["code"]).lower() in value.lower() or str(category["name"]).lower() == value.lower():
            return str(category["code"]), False
        for spec in category.get("regex", []):
            if _regex(spec).match(value) is not None:
                return str(category["code"]), False
    return "", True


def columns(name: str) -> list[str]:
    """Return the columns liia-tools expects in a list, in order."""
    return list(SPEC["columns"][LIST_NAMES[name]])


def cleaning_errors(name: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """Clean every cell of a list as liia-tools does; return each formatting error and each changed category."""
    listed = LIST_NAMES[name]
    categories = SPEC["categories"][listed]
    config = SPEC["columns"][listed]
    errors = []
    for number, row in enumerate(rows, start=2):
        for column, value in zip(header, row, strict=True):
            where = f"row {number} {column!r} = {value!r}"
            rules = config[column] or {}
            if not value and rules.get("canbeblank") is False:
                errors.append(f"{where}: must not be blank")
            if column in categories:
                cleaned, failed = clean_category(value, categories[column])
                if failed or cleaned != value:
                    errors.append(f"{where}: category {cleaned!r}, error {failed}")
            if value and rules.get("type") == "date":
                try:
                    datetime.strptime(value, "%d/%m/%Y")
                except ValueError:
                    errors.append(f"{where}: not a date")
            if value and rules.get("type") == "integer" and not (value.isdigit() and int(value) >= 0):
                errors.append(f"{where}: not an integer")
    return errors
