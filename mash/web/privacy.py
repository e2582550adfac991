"""The privacy officer's page: break-glass openings of restricted contacts, and restrictions placed and lifted."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request, url_for

from mash.db import get_session
from mash.problems import InvalidFields
from mash.services import restriction
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp

PAGE_SIZE = 50
KINDS = {"break_glass": "Opened by break-glass", "restricted": "Restricted", "restriction_lifted": "Restriction lifted"}
FIELDS = {"from": "From", "to": "To"}


def _day(name: str, errors: list[dict[str, str]]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append({"text": f"Enter the '{FIELDS[name]}' date as a real date, like 2026-11-30", "href": f"#{name}"})
        return None


@bp.get("/privacy", endpoint="privacy")
@page(Permission.READ_PRIVACY_LOG)
def privacy_page() -> tuple[str, int]:
    """List break-glass openings and restrictions, newest first, in a period."""
    errors: list[dict[str, str]] = []
    start, end = _day("from", errors), _day("to", errors)
    cursor = request.args.get("after") or None
    found = restriction.LogPage([], None)
    if not errors:
        try:
            found = restriction.privacy_log(
                get_session(), current_caller(), start=start, end=end, limit=PAGE_SIZE, cursor=cursor
            )
        except InvalidFields as problem:
            errors += [{"text": msgs[0], "href": f"#{field}"} for field, msgs in (problem.errors or {}).items()]
    rows = [
        {
            "when": words.when(entry.event.at),
            "what": KINDS.get(entry.event.kind, words.label(entry.event.kind)),
            "reference": entry.event.reference,
            "who": f"{entry.user_name} ({words.label(entry.event.role).lower()})",
            "why": entry.event.reason or "",
            "until": words.when(entry.event.expires_at),
        }
        for entry in found.items
    ]
    period: dict[str, Any] = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    return render_template(
        "privacy.html",
        rows=rows,
        errors=errors,
        period=period,
        next_href=url_for("web.privacy", after=found.next_cursor, **period) if found.next_cursor else None,
        first_href=url_for("web.privacy", **period) if cursor else None,
    ), (400 if errors else 200)
