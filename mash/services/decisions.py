"""Decisions on contacts and management oversight: appended history, never updated in place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import Claim, Contact, Decision, Oversight, Recommendation, Team
from mash.problems import Conflict, ContactNotFound, InvalidFields
from mash.services import audit, feedback, teams
from mash.services.callers import Caller, Permission
from mash.services.contacts import lock_contact
from mash.services.queue import ContactClaimed, held_by_other

DECIDABLE = ("awaiting_decision", "screening_failed")


class DecisionAlreadyRecorded(Conflict):
    slug, title = "decision-already-recorded", "A decision has already been recorded for this contact"


class NothingToOversee(Conflict):
    slug, title = "nothing-to-oversee", "There is no decision awaiting management oversight"


def _lock(session: Session, contact_id: str) -> Contact:
    contact = lock_contact(session, contact_id)
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id}.")
    return contact


def _children(contact: Contact, outcome: str, given: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    by_child = {item["child_id"]: item for item in given or []}
    unknown = set(by_child) - {child.id for child in contact.children}
    if unknown:
        raise InvalidFields(
            "Some children are not on this contact.", errors={"children": ["Unknown child_id on this contact."]}
        )
    return [
        {
            "child_id": child.id,
            "outcome": by_child.get(child.id, {}).get("outcome", outcome),
            "rationale": by_child.get(child.id, {}).get("rationale"),
        }
        for child in contact.children
    ]


def _team(session: Session, team_id: str | None, outcome: str, contact: Contact, cap: int) -> str | None:
    if team_id is not None:
        if session.get(Team, team_id) is None:
            raise InvalidFields("No such team.", errors={"team_id": ["Unknown team."]})
        return team_id
    disabled = any(child.disability for child in contact.children) or "disability" in contact.categories
    routing = teams.route(session, outcome, disabled, cap)
    return routing.team.team_id if routing.team else None


def decide(
    session: Session,
    caller: Caller,
    contact_id: str,
    data: dict[str, Any],
    *,
    caseload_cap: int,
) -> Decision:
    """Record a screener's or manager's decision with its rationale; a differing one is marked as an override."""
    caller.require(Permission.DECIDE)
    now = utcnow()
    with session.begin():
        contact = _lock(session, contact_id)
        if contact.status not in DECIDABLE:
            raise DecisionAlreadyRecorded(f"The contact is {contact.status}; a manager may reopen it.")
        holder = held_by_other(session, caller, contact.id, now)
        if holder is not None and not caller.may(Permission.ACT_ON_ANY_CLAIM):
            raise ContactClaimed(f"Held by {holder}: ask them, or a manager, to release it.")
        rec = session.execute(
            select(Recommendation).where(Recommendation.contact_id == contact.id)
        ).scalar_one_or_none()
        children = _children(contact, data["outcome"], data.get("children"))
        recommended_by_child = {c["child_id"]: c["outcome"] for c in (rec.children if rec else [])}
        override = (
            rec is None
            or data["outcome"] != rec.outcome
            or data["rag"] != rec.rag
            or any(c["outcome"] != recommended_by_child.get(c["child_id"], c["outcome"]) for c in children)
        )
        decision = Decision(
            contact_id=contact.id,
            decided_by=caller.user_id,
            role=caller.role,
            decided_at=now,
            outcome=data["outcome"],
            rag=data["rag"],
            rationale=data["rationale"],
            team_id=_team(session, data.get("team_id"), data["outcome"], contact, caseload_cap),
            children=children,
            override=override,
            recommended_outcome=rec.outcome if rec else None,
            recommended_rag=rec.rag if rec else None,
        )
        session.add(decision)
        session.flush()
        contact.status = "decided"
        session.execute(delete(Claim).where(Claim.contact_id == contact.id))
        feedback.create_for(session, caller, contact, decision, now)
        audit.record(
            session,
            caller,
            "contact.decide",
            [contact.id],
            at=now,
            detail={"decision": decision.id, "override": override},
        )
    return decision


def oversee(session: Session, caller: Caller, contact_id: str, agree: bool, comment: str | None) -> Oversight:
    """Record a manager's sign-off: agreeing closes the contact; disagreeing (with a comment) reopens the decision."""
    caller.require(Permission.OVERSEE)
    if not agree and not (comment and comment.strip()):
        raise InvalidFields("Say why you disagree.", errors={"comment": ["Required when you disagree."]})
    now = utcnow()
    with session.begin():
        contact = _lock(session, contact_id)
        if contact.status != "decided":
            raise NothingToOversee(f"The contact is {contact.status}.")
        latest = latest_decision(session, contact.id)
        assert latest is not None
        oversight = Oversight(
            contact_id=contact.id,
            decision_id=latest.id,
            manager_id=caller.user_id,
            at=now,
            agree=agree,
            comment=comment,
        )
        session.add(oversight)
        contact.status = "closed" if agree else "awaiting_decision"
        audit.record(
            session,
            caller,
            "contact.oversight",
            [contact.id],
            at=now,
            detail={"agree": agree, "decision": latest.id},
        )
    return oversight


def latest_decision(session: Session, contact_id: str) -> Decision | None:
    """Return the newest decision on a contact; call inside a transaction."""
    return session.execute(
        select(Decision).where(Decision.contact_id == contact_id).order_by(Decision.decided_at.desc()).limit(1)
    ).scalar_one_or_none()


def history(session: Session, contact_id: str) -> tuple[list[Decision], list[Oversight]]:
    """Return every decision and oversight on a contact, oldest first; call inside a transaction."""
    decisions = list(
        session.execute(
            select(Decision).where(Decision.contact_id == contact_id).order_by(Decision.decided_at)
        ).scalars()
    )
    oversights = list(
        session.execute(select(Oversight).where(Oversight.contact_id == contact_id).order_by(Oversight.at)).scalars()
    )
    return decisions, oversights
