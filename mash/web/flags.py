"""The therapist's pages: open flags and consultations due, one flag's consultation, notes and resolution."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from mash.db import get_session
from mash.problems import NotFound, Problem
from mash.services import casework, flags, restriction
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp

CONSULTED = "consultation_recorded"


@bp.get("/flags", endpoint="flags")
@page(Permission.READ_FLAGS)
def flag_list() -> str:
    """List open flags: those still awaiting a consultation first."""
    listed = flags.list_flags(get_session(), current_caller(), open=True, limit=200)
    found = listed.items
    refs = casework.references(get_session(), [flag.contact_id for flag in found])
    rows = [
        {
            "id": flag.id,
            "reference": refs.get(flag.contact_id, ""),
            "raised": words.when(flag.raised_at),
            "note": None if flag.contact_id in listed.withheld else flag.note,
            "consulted": any(event.action == CONSULTED for event in flag.events),
        }
        for flag in found
    ]
    rows.sort(key=lambda row: bool(row["consulted"]))
    return render_template("flags.html", rows=rows)


def _date(form: Any) -> date | None:
    try:
        return date(int(form.get("held-year", "")), int(form.get("held-month", "")), int(form.get("held-day", "")))
    except ValueError:
        return None


@bp.route("/flags/<flag_id>", methods=["GET", "POST"], endpoint="flag_page")
@page(Permission.READ_FLAGS)
def flag_page(flag_id: str) -> Any:
    """Show a flag and its history; the therapist records a consultation, adds notes or resolves it."""
    session, caller, form = get_session(), current_caller(), request.form
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if not caller.may(Permission.WORK_FLAGS):
            abort(403)
        action = form.get("action", "")
        try:
            if action == "consultation":
                held = _date(form)
                participants = [line.strip() for line in form.get("participants", "").splitlines() if line.strip()]
                agreed = form.get("agreed", "").strip()
                if held is None:
                    errors.append({"text": "Enter the date the consultation took place", "href": "#held-day"})
                if not participants:
                    errors.append({"text": "Enter who took part, one on each line", "href": "#participants"})
                if not agreed:
                    errors.append({"text": "Enter what was agreed", "href": "#agreed"})
                if held is not None and participants and agreed:
                    flags.record_consultation(
                        session,
                        caller,
                        flag_id,
                        held_on=held,
                        participants=participants,
                        agreed=agreed,
                        hypotheses=form.get("hypotheses", "").strip() or None,
                    )
                    flash("Consultation recorded", "success")
            elif action in ("note", "resolve"):
                text = form.get(action, "").strip()
                if not text:
                    errors.append(
                        {
                            "text": "Enter the note" if action == "note" else "Enter why the flag is resolved",
                            "href": f"#{action}",
                        }
                    )
                elif action == "note":
                    flags.add_note(session, caller, flag_id, text)
                    flash("Note added", "success")
                else:
                    flags.resolve_flag(session, caller, flag_id, text)
                    flash("Flag resolved", "success")
                    return redirect(url_for("web.flags"))
        except NotFound:
            abort(404)
        except Problem as problem:
            errors.append({"text": problem.detail, "href": "#history"})
        if not errors:
            return redirect(url_for("web.flag_page", flag_id=flag_id))
    try:
        flag = flags.get_flag(session, caller, flag_id)
    except NotFound:
        abort(404)
    except restriction.Restricted as closed:
        closed_reference = casework.references(session, [closed.contact_id])[closed.contact_id]
        return redirect(url_for("web.contact", reference=closed_reference))
    reference = casework.references(session, [flag.contact_id]).get(flag.contact_id, "")
    return render_template("flag.html", flag=flag, reference=reference, words=words, errors=errors, form=form)
