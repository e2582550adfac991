"""Facts found in a contact's words and in partners' answers: staff confirm or dismiss them; answers given by phone."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.services import phone_answers, suggestions
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp
from mash.web.contact import act


@bp.post("/contacts/<reference>/facts/<suggestion_id>/<any(confirm, dismiss):action>", endpoint="fact")
@page(Permission.REVIEW_SUGGESTIONS)
def fact(reference: str, suggestion_id: str, action: str) -> Response:
    """Confirm a fact, or dismiss it with a reason (the contact is screened again)."""
    reason = request.form.get("reason", "").strip()
    if action == "dismiss" and not reason:
        flash("Enter why you are dismissing it", f"error:reason-{suggestion_id}")
        return redirect(url_for("web.contact", reference=reference) + "#facts")
    done = "Fact confirmed" if action == "confirm" else "Fact dismissed: the contact will be screened again"
    return act(
        reference,
        "facts",
        done,
        lambda cid: suggestions.decide(get_session(), current_caller(), cid, suggestion_id, action, reason),
    )


@bp.post("/contacts/<reference>/checks/answer", endpoint="phone_answer")
@page(Permission.SHARE_INFORMATION)
def phone_answer(reference: str) -> Response:
    """Record what an agency said by phone in answer to one of the contact's open requests."""
    form = request.form
    given = [name for name in form.getlist("indicators") if name in words.PHONE_FACTS]
    return act(
        reference,
        "request-id",
        "Answer recorded",
        lambda cid: phone_answers.answer_by_phone(
            get_session(), current_caller(), cid, form.get("request_id", ""), form.get("summary", ""), given
        ),
    )
