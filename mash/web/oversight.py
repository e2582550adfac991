"""The managers' pages: decisions awaiting sign-off and the oversight form."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from mash.db import get_session
from mash.problems import Problem
from mash.services import contacts, decisions
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp
from mash.web.contact import contact_id


@bp.get("/oversight", endpoint="oversight")
@page(Permission.OVERSEE)
def oversight() -> str:
    """List decisions awaiting sign-off, overrides and decisions below the recommendation first."""
    rows = [
        {
            "reference": contact.reference,
            "outcome": words.outcome(decision.outcome),
            "recommended": words.outcome(decision.recommended_outcome),
            "override": decision.override,
            "below": decisions.below_recommendation(decision),
            "decided_at": words.when(decision.decided_at),
            "own": decision.decided_by == current_caller().user_id,
        }
        for contact, decision in decisions.awaiting_oversight(get_session(), current_caller())
    ]
    return render_template("oversight.html", rows=rows)


@bp.route("/contacts/<reference>/oversight", methods=["GET", "POST"], endpoint="oversee")
@page(Permission.OVERSEE)
def oversee(reference: str) -> Any:
    """Agree with a decision (closing the contact) or disagree with a comment (reopening it)."""
    session = get_session()
    contact = contacts.get_contact(session, current_caller(), contact_id(reference))
    found = contact.id
    errors: list[dict[str, str]] = []
    choice, comment = request.form.get("agree", ""), request.form.get("comment", "").strip()
    if request.method == "POST":
        if choice not in ("yes", "no"):
            errors.append({"text": "Select Agree or Disagree", "href": "#agree"})
        elif choice == "no" and not comment:
            errors.append({"text": "Enter a comment saying why you disagree", "href": "#comment"})
        else:
            try:
                decisions.oversee(session, current_caller(), found, choice == "yes", comment or None)
            except Problem as problem:
                errors.append({"text": problem.detail, "href": "#agree"})
            else:
                flash(
                    f"{reference} signed off and closed"
                    if choice == "yes"
                    else f"{reference} reopened for a new decision",
                    "success",
                )
                return redirect(url_for("web.oversight"))
    latest = decisions.latest_of(session, found)
    return render_template(
        "oversee.html", reference=reference, decision=latest, words=words, errors=errors, choice=choice, comment=comment
    )
