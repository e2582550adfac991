"""The partner's pages: their organisation's referrals (the home page) and one referral, to follow and add to."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.problems import ContactNotFound, Problem
from mash.services import casework, contacts, feedback, information
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp

PAGE_SIZE = 25
STATUSES = {
    "received": "Received",
    "awaiting_decision": "Being looked at",
    "screening_failed": "Being looked at",
    "decided": "Decided",
    "closed": "Closed",
}


def _own(reference: str) -> Any:
    """Return the organisation's contact with this reference, or answer 404 (another organisation's too)."""
    try:
        return contacts.get_contact(get_session(), current_caller(), casework.contact_id_for(get_session(), reference))
    except ContactNotFound:
        abort(404)


@bp.get("/referrals", endpoint="referrals")
@page(Permission.LIST_CONTACTS)
def your_referrals() -> Any:
    """List the organisation's referrals, newest first, with status and feedback; find one by your own reference."""
    caller = current_caller()
    if not caller.is_partner:
        return redirect(url_for("web.home"))
    session = get_session()
    ref = request.args.get("ref", "").strip()[:200]
    listed = contacts.list_contacts(
        session, caller, external_reference=ref or None, limit=PAGE_SIZE, cursor=request.args.get("cursor") or None
    )
    told = feedback.shown_to(session, caller, [contact.id for contact in listed.items])
    return render_template(
        "your_referrals.html",
        listed=listed,
        told=told,
        ref=ref,
        statuses=STATUSES,
        words=words,
    )


@bp.get("/referrals/<reference>", endpoint="referral")
@page(Permission.ADD_INFORMATION)
def referral(reference: str) -> Any:
    """Show one of the organisation's referrals: its status, the feedback, and a form to add information."""
    caller = current_caller()
    if not caller.is_partner:
        return redirect(url_for("web.contact", reference=reference))
    contact = _own(reference)
    told = feedback.shown_to(get_session(), caller, [contact.id]).get(contact.id)
    added = [item for item in contact.information if item.organisation == caller.organisation]
    return render_template(
        "your_referral.html", contact=contact, told=told, added=added, statuses=STATUSES, words=words, errors=[]
    )


@bp.post("/referrals/<reference>/information", endpoint="referral_information")
@page(Permission.ADD_INFORMATION)
def add_information(reference: str) -> Response:
    """Add information to a referral; it reaches the screener: screened again, or after a decision as a new referral."""
    contact = _own(reference)
    try:
        done = information.add_information(get_session(), current_caller(), contact.id, request.form.get("text", ""))
    except Problem as problem:
        flash((problem.errors or {}).get("text", [problem.detail])[0] or "Enter the information", "error:text")
        return redirect(url_for("web.referral", reference=reference) + "#text")
    if done.follow_on is not None:
        flash(
            f"Information added. This referral was already decided, so the information was sent to the MASH as a new "
            f"referral, {done.follow_on.reference}: a social worker will see it",
            "success",
        )
    else:
        flash("Information added: a social worker will see it", "success")
    return redirect(url_for("web.referral", reference=reference))
