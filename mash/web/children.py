"""Child search: a POST form (personal details never go in the URL) over every child the service knows."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request

from mash.db import get_session, utcnow
from mash.problems import InvalidFields
from mash.services import child_search
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp


def _date_of_birth(form: Any, errors: list[dict[str, str]]) -> date | None:
    parts = [form.get(f"dob-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        born = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors.append({"text": "Date of birth must be a real date, such as 27 3 2019", "href": "#dob-day"})
        return None
    if born > utcnow().date():
        errors.append({"text": "Date of birth must be today or in the past", "href": "#dob-day"})
        return None
    return born


@bp.route("/children/search", methods=["GET", "POST"], endpoint="child_search")
@page(Permission.SEARCH_CHILDREN)
def child_search_page() -> str:
    """Search for a child by name, date of birth or NHS number."""
    form = request.form
    errors: list[dict[str, str]] = []
    results = None
    if request.method == "POST":
        born = _date_of_birth(form, errors)
        nhs = form.get("nhs_number", "").replace(" ", "") or None
        if nhs and not (nhs.isdigit() and len(nhs) == 10):
            errors.append({"text": "NHS number must be 10 digits", "href": "#nhs-number"})
        if not errors:
            try:
                results = child_search.search(
                    get_session(),
                    current_caller(),
                    first_name=form.get("first_name", "").strip() or None,
                    last_name=form.get("last_name", "").strip() or None,
                    date_of_birth=born,
                    nhs_number=nhs,
                )
            except InvalidFields:
                errors.append({"text": "Enter a name, a date of birth or an NHS number", "href": "#first-name"})
    return render_template("child_search.html", form=form, errors=errors, results=results, words=words)
