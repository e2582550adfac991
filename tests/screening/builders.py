"""Build screening's typed input from the trimmed contact bodies the screening tests write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mash.screening.inputs import ChildInput, ContactInput, Suggestion


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def child_input(child: dict[str, Any]) -> ChildInput:
    return ChildInput(
        first_name=child.get("first_name"),
        last_name=child.get("last_name"),
        date_of_birth=_date(child.get("date_of_birth")),
        expected_date_of_delivery=_date(child.get("expected_date_of_delivery")),
        nhs_number=child.get("nhs_number"),
        disability=bool(child.get("disability", False)),
    )


def contact_input(body: dict[str, Any], suggestions: tuple[Suggestion, ...] = ()) -> ContactInput:
    concerns = body.get("concerns") or {}
    adults = body.get("adults") or []
    texts = {name: concerns[name] for name in ("summary", "worries", "strengths", "needs") if concerns.get(name)}
    return ContactInput(
        agency_type=(body.get("referrer") or {}).get("agency_type", "police"),
        children=tuple(child_input(child) for child in body.get("children") or ()),
        categories=frozenset(concerns.get("categories") or ()),
        indicators=frozenset(concerns.get("indicators") or ()),
        immediate_danger=bool(body.get("immediate_danger", False)),
        consent=(body.get("consent") or {}).get("status", "not_sought"),
        adults_caring=sum(1 for adult in adults if adult.get("lives_with_child")) if adults else None,
        texts=texts,
        suggestions=suggestions,
    )
