"""The decision form: an outcome per child, RAG, team and rationale; an override asks why; check answers; record."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.models import Contact, Recommendation
from mash.problems import Problem
from mash.services import casework, contacts, decisions
from mash.services.callers import Permission
from mash.web import words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp
from mash.web.contact import contact_id

RAGS = ("red", "amber", "green")


def _child_name(child: Any) -> str:
    return " ".join(part for part in (child.first_name, child.last_name) if part) or "Unborn child"


def _read(
    contact: Contact, rec: Recommendation | None, team_ids: set[str]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Read the answers from the posted form; return them and the errors, each linked to its field."""
    form = request.form
    first = contact.children[0]
    answers: dict[str, Any] = {
        "outcomes": {child.id: form.get(f"outcome-{n}", "") for n, child in enumerate(contact.children)},
        "rag": form.get("rag", ""),
        "team_id": form.get("team_id", ""),
        "rationale": form.get("rationale", "").strip(),
        "override_reason": form.get("override_reason", "").strip(),
    }
    errors: list[dict[str, str]] = []
    first_outcome = answers["outcomes"][first.id]
    if first_outcome not in words.OUTCOMES:
        errors.append({"text": f"Select an outcome for {_child_name(first)}", "href": "#outcome-0"})
    for child in contact.children[1:]:
        if answers["outcomes"][child.id] not in words.OUTCOMES:
            answers["outcomes"][child.id] = first_outcome
    if answers["rag"] not in RAGS:
        errors.append({"text": "Select a RAG rating", "href": "#rag"})
    if answers["team_id"] and answers["team_id"] not in team_ids:
        errors.append({"text": "Select a team from the list", "href": "#team-id"})
    if not answers["rationale"]:
        errors.append({"text": "Enter the rationale for your decision", "href": "#rationale"})
    children = [{"child_id": cid, "outcome": outcome} for cid, outcome in answers["outcomes"].items()]
    answers["override"] = not errors and decisions.is_override(rec, first_outcome, answers["rag"], children)
    if answers["override"] and not answers["override_reason"]:
        errors.append(
            {
                "text": "Your decision differs from the recommendation: say why you are overriding it",
                "href": "#override-reason",
            }
        )
    return answers, errors


def _outcome_sets(contact: Contact, answers: dict[str, Any] | None) -> list[dict[str, Any]]:
    first = answers["outcomes"][contact.children[0].id] if answers else None
    sets = []
    for n, child in enumerate(contact.children):
        chosen = answers["outcomes"][child.id] if answers else None
        if n and chosen == first:
            chosen = None
        items = [{"value": value, "text": text, "checked": value == chosen} for value, text in words.OUTCOMES.items()]
        sets.append({"index": n, "name": _child_name(child), "items": items})
    return sets


def _render(template: str, contact: Contact, rec: Recommendation | None, teams: list[Any], **extra: Any) -> str:
    return render_template(
        template,
        contact=contact,
        rec=rec,
        teams=teams,
        words=words,
        child_name=_child_name,
        outcome_sets=_outcome_sets(contact, extra.get("answers")),
        **extra,
    )


@bp.route("/contacts/<reference>/decision", methods=["GET", "POST"], endpoint="decision")
@page(Permission.DECIDE)
def decision(reference: str) -> Any:
    """Show the decision form, then the answers to check, then record the decision."""
    session = get_session()
    caller = current_caller()
    contact = contacts.get_contact(session, caller, contact_id(reference))
    rec, teams = casework.recommendation_and_teams(session, contact.id)
    if request.method == "GET":
        return _render("decision.html", contact, rec, teams, answers=None, errors=[])
    answers, errors = _read(contact, rec, {team.id for team in teams})
    step = request.form.get("step", "check")
    if errors or step == "change":
        return _render("decision.html", contact, rec, teams, answers=answers, errors=errors)
    if step == "check":
        team_names = {team.id: team.name for team in teams}
        return _render("decision_check.html", contact, rec, teams, answers=answers, team_names=team_names)
    return _record(reference, contact, answers)


def _record(reference: str, contact: Contact, answers: dict[str, Any]) -> Response:
    first = contact.children[0].id
    rationale = answers["rationale"]
    if answers["override"]:
        rationale += "\n\nWhy the recommendation was overridden: " + answers["override_reason"]
    data = {
        "outcome": answers["outcomes"][first],
        "rag": answers["rag"],
        "rationale": rationale,
        "team_id": answers["team_id"] or None,
        "children": [{"child_id": cid, "outcome": outcome} for cid, outcome in answers["outcomes"].items()],
    }
    settings = current_app.config["MASH_SETTINGS"]
    try:
        decisions.decide(
            get_session(),
            current_caller(),
            contact.id,
            data,
            caseload_cap=settings.caseload_cap,
            feedback_after_oversight=settings.feedback_after_oversight,
        )
    except Problem as problem:
        flash(problem.detail, "error:claim")
        return redirect(url_for("web.contact", reference=reference))
    flash(f"Decision recorded for {reference}", "success")
    return redirect(url_for("web.contact", reference=reference))
