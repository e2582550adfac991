"""The managers' teams page: caseload against cap per team and worker, allocation, closing and transfer."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.problems import ContactNotFound, Problem
from mash.services import casework, team_admin
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp


def _page(errors: list[dict[str, str]], form: Any) -> str:
    session = get_session()
    loads = team_admin.loads(session, current_app.config["MASH_SETTINGS"].caseload_cap)
    return render_template(
        "teams.html",
        loads=loads,
        allocations=casework.current_allocations(session),
        errors=errors,
        form=form,
        words=words,
    )


@bp.get("/teams", endpoint="teams")
@page(Permission.ALLOCATE)
def teams_page() -> str:
    """Show each team's and worker's caseload against the cap, and the work allocated."""
    return _page([], {})


@bp.post("/teams/allocate", endpoint="allocate")
@page(Permission.ALLOCATE)
def allocate() -> Any:
    """Allocate a decided contact to a worker (moving it if another holds it)."""
    reference = request.form.get("reference", "").strip()
    member_id = request.form.get("member_id", "")
    errors = []
    if not reference:
        errors.append({"text": "Enter the contact's reference", "href": "#reference"})
    if not member_id:
        errors.append({"text": "Choose a worker", "href": "#member-id"})
    if not errors:
        session = get_session()
        try:
            found = casework.contact_id_for(session, reference)
            casework.allocate(session, current_caller(), found, member_id)
        except ContactNotFound:
            errors.append({"text": "No contact has that reference", "href": "#reference"})
        except Problem as problem:
            errors.append({"text": problem.detail, "href": "#reference"})
        else:
            flash(f"{reference} allocated", "success")
            return redirect(url_for("web.teams"))
    return _page(errors, request.form)


@bp.post("/teams/close/<reference>", endpoint="close_allocation")
@page(Permission.ALLOCATE)
def close_allocation(reference: str) -> Response:
    """End the work on a contact, taking it off the worker's caseload."""
    session = get_session()
    try:
        casework.close_allocation(session, current_caller(), casework.contact_id_for(session, reference))
    except Problem as problem:
        flash(problem.detail, "error:reference")
    else:
        flash(f"Work on {reference} closed", "success")
    return redirect(url_for("web.teams"))
