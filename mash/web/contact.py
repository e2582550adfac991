"""The contact page: everything submitted, the recommendation and its reasons, history, matches, checks and flags."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from mash.db import get_session, utcnow
from mash.problems import ContactNotFound, Problem
from mash.services import casework, contact_record, flags, matching, queue, restriction, sharing, suggestions
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp

CASEWORKERS = ("screener", "manager", "therapist")
DECIDERS = ("screener", "manager")
AGENCIES = {"police": "Police", "health": "Health", "education": "Education"}
RESTRICTIONS = {
    "staff_or_family": "A member of staff or their family",
    "high_profile": "A high-profile case",
    "other": "Another reason",
}


def contact_id(reference: str) -> str:
    """Return the id of the contact a page address names, or answer 404."""
    try:
        return casework.contact_id_for(get_session(), reference)
    except ContactNotFound:
        abort(404)


def act(
    reference: str, anchor: str, done: str, use_case: Callable[[str], object], ids: dict[str, str] | None = None
) -> Response:
    """Run one use case on a contact from a form; flash its outcome, or its problem linked to the field (`ids` names
    the page's id of a field where the form's differs from the use case's), and go back."""
    found = contact_id(reference)
    try:
        use_case(found)
    except Problem as problem:
        for field, messages in (problem.errors or {"": [problem.detail]}).items():
            flash(messages[0], f"error:{(ids or {}).get(field) or field.replace('_', '-') or anchor}")
        return redirect(url_for("web.contact", reference=reference) + f"#{anchor}")
    flash(done, "success")
    return redirect(url_for("web.contact", reference=reference))


@bp.get("/contacts/<reference>", endpoint="contact")
@page(Permission.READ_CHILD_HISTORY)
def contact_page(reference: str) -> str | tuple[str, int]:
    """Show one contact to staff, recording the read as the API does."""
    session = get_session()
    caller = current_caller()
    try:
        record = contact_record.read_for_staff(session, caller, contact_id(reference))
    except restriction.Restricted as closed:
        return closed_page(reference, closed.category), 403
    found = record.contact
    today = utcnow().date()
    return render_template(
        "contact.html",
        c=record,
        ages={c.id: words.age(c.date_of_birth, c.expected_date_of_delivery, today) for c in found.children},
        histories=matching.children_history(session, caller, [child.id for child in found.children]),
        notes=casework.notes(session, found.id),
        holder=casework.claim_holder(session, found.id),
        allocation=casework.allocation_of(session, found.id),
        words=words,
        now=utcnow(),
        agencies=AGENCIES,
        can_decide=caller.may(Permission.DECIDE),
        restrictions=RESTRICTIONS,
        restriction_items=[{"value": value, "text": text} for value, text in RESTRICTIONS.items()],
        can_restrict=caller.may(Permission.RESTRICT_CONTACT),
        can_lift=caller.may(Permission.LIFT_RESTRICTION),
        facts=suggestions.list_for(session, caller, found.id) if caller.may(Permission.REVIEW_SUGGESTIONS) else [],
    )


@bp.post("/contacts/<reference>/claim", endpoint="claim")
@page(Permission.DECIDE)
def claim(reference: str) -> Response:
    """Take the contact to work on it."""
    minutes = current_app.config["MASH_SETTINGS"].claim_minutes
    return act(
        reference,
        "claim",
        f"You have claimed {reference} for {minutes} minutes",
        lambda cid: queue.take(get_session(), current_caller(), cid, minutes),
    )


@bp.post("/contacts/<reference>/release", endpoint="release")
@page(Permission.DECIDE)
def release(reference: str) -> Response:
    """Give up the claim."""
    return act(
        reference,
        "claim",
        f"You have released {reference}",
        lambda cid: queue.release(get_session(), current_caller(), cid),
    )


@bp.post("/contacts/<reference>/matches/<match_id>/<any(confirm, reject, undo):action>", endpoint="match")
@page(Permission.DECIDE)
def match(reference: str, match_id: str, action: str) -> Response:
    """Confirm, reject or undo a possible match."""
    said = {"confirm": "Match confirmed", "reject": "Match rejected", "undo": "Match decision undone"}[action]
    return act(
        reference,
        "matches",
        said,
        lambda _cid: matching.decide_match(get_session(), current_caller(), match_id, action),
    )


@bp.post("/contacts/<reference>/checks", endpoint="checks")
@page(Permission.SHARE_INFORMATION)
def checks(reference: str) -> Response:
    """Ask partner agencies what they hold."""
    form = request.form
    return act(
        reference,
        "agencies",
        "Checks requested",
        lambda cid: sharing.request_checks(
            get_session(),
            current_caller(),
            cid,
            form.getlist("agencies"),
            form.get("purpose", ""),
            form.get("legal_basis", ""),
            form.get("without_consent_reason") or None,
            current_app.config["MASH_SETTINGS"],
        ),
    )


@bp.post("/contacts/<reference>/notes", endpoint="note")
@page(Permission.WRITE_CASE_NOTES)
def note(reference: str) -> Response:
    """Write a case note."""
    text = request.form.get("text", "")
    return act(
        reference,
        "text",
        "Note added",
        lambda cid: casework.add_note(get_session(), current_caller(), cid, text),
    )


@bp.post("/contacts/<reference>/consent", endpoint="consent")
@page(Permission.RECORD_CONSENT)
def consent(reference: str) -> Response:
    """Record consent given or refused after the contact arrived."""
    status, detail = request.form.get("status", ""), request.form.get("detail", "")
    return act(
        reference,
        "status",
        "Consent recorded: the contact will be screened again",
        lambda cid: casework.record_consent(get_session(), current_caller(), cid, status, detail),
    )


@bp.post("/contacts/<reference>/flag", endpoint="flag")
@page(Permission.WORK_FLAGS)
def flag(reference: str) -> Response:
    """Flag the contact for systemic consultation."""
    text = request.form.get("flag_note", "").strip()
    if not text:
        flash("Enter why you are flagging this contact", "error:flag-note")
        return redirect(url_for("web.contact", reference=reference) + "#flag-note")
    return act(
        reference,
        "flag-note",
        "Contact flagged for systemic consultation",
        lambda cid: flags.raise_flag(get_session(), current_caller(), cid, "systemic_consultation", text),
    )


@bp.post("/contacts/<reference>/reopen", endpoint="reopen")
@page(Permission.REOPEN)
def reopen(reference: str) -> Response:
    """Reopen a closed contact with a reason."""
    reason = request.form.get("reason", "")
    return act(
        reference,
        "reason",
        "Contact reopened for a new decision",
        lambda cid: casework.reopen(get_session(), current_caller(), cid, reason),
    )


def closed_page(reference: str, category: str, errors: list[dict[str, str]] | None = None, reason: str = "") -> str:
    """Render the page a restricted contact shows instead of itself: why it is closed, and the break-glass form."""
    return render_template(
        "restricted.html",
        reference=reference,
        category=RESTRICTIONS.get(category, words.label(category)),
        category_value=category,
        can_lift=current_caller().may(Permission.LIFT_RESTRICTION),
        minutes=current_app.config["MASH_SETTINGS"].break_glass_minutes,
        errors=errors or [],
        reason=reason,
    )


@bp.post("/contacts/<reference>/break-glass", endpoint="break_glass")
@page(Permission.BREAK_GLASS)
def break_glass(reference: str) -> Response | tuple[str, int]:
    """Open a restricted contact for a limited time, with the reason given."""
    found, reason = contact_id(reference), request.form.get("reason", "")
    try:
        opening = restriction.break_glass(
            get_session(), current_caller(), found, reason, current_app.config["MASH_SETTINGS"].break_glass_minutes
        )
    except restriction.NotRestricted:
        return redirect(url_for("web.contact", reference=reference))
    except Problem as problem:
        errors = [{"text": messages[0], "href": "#reason"} for messages in (problem.errors or {}).values()]
        return closed_page(reference, request.form.get("category", ""), errors, reason), 422
    flash(f"You have opened {reference} until {words.when(opening.expires_at)}", "success")
    return redirect(url_for("web.contact", reference=reference))


@bp.post("/contacts/<reference>/restriction", endpoint="restrict")
@page(Permission.RESTRICT_CONTACT)
def restrict(reference: str) -> Response:
    """Restrict the contact: caseworkers then open it only by break-glass."""
    form = request.form
    return act(
        reference,
        "restriction",
        f"{reference} is restricted: caseworkers now open it only by giving a reason",
        lambda cid: restriction.restrict(
            get_session(), current_caller(), cid, form.get("category", ""), form.get("restriction_reason", "")
        ),
        ids={"reason": "restriction-reason"},
    )


@bp.post("/contacts/<reference>/restriction/lift", endpoint="lift_restriction")
@page(Permission.LIFT_RESTRICTION)
def lift_restriction(reference: str) -> Response:
    """Lift the contact's restriction."""
    return act(
        reference,
        "restriction",
        f"The restriction on {reference} is lifted",
        lambda cid: restriction.lift(get_session(), current_caller(), cid),
    )
