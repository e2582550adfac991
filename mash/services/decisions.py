"""Decisions on contacts and management oversight: appended history, never updated in place."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.enums import OUTCOMES
from mash.models import Claim, Contact, Decision, Oversight, Recommendation, Team
from mash.problems import Conflict, ContactNotFound, Forbidden, InvalidFields
from mash.services import audit, consent, feedback, restriction, teams
from mash.services.callers import Caller, Permission
from mash.services.contacts import lock_contact
from mash.services.queue import ContactClaimed, held_by_other

DECIDABLE = ("awaiting_decision", "screening_failed")


class DecisionAlreadyRecorded(Conflict):
    slug, title = "decision-already-recorded", "A decision has already been recorded for this contact"


class OwnDecision(Forbidden):
    slug, title = "own-decision", "A manager may not sign off a decision they made"


class NothingToOversee(Conflict):
    slug, title = "nothing-to-oversee", "There is no decision awaiting management oversight"


def _lock(session: Session, caller: Caller, contact_id: str) -> Contact:
    contact = lock_contact(session, contact_id)
    if contact is None:
        raise ContactNotFound(f"No contact {contact_id}.")
    restriction.require_open(session, caller, contact)
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


def is_override(rec: Recommendation | None, outcome: str, rag: str, children: list[dict[str, Any]]) -> bool:
    """Say whether a decision (its outcome, RAG and each child's outcome) departs from the recommendation."""
    if rec is None:
        return True
    recommended_by_child = {c["child_id"]: c["outcome"] for c in rec.children}
    return (
        outcome != rec.outcome
        or rag != rec.rag
        or any(c["outcome"] != recommended_by_child.get(c["child_id"], c["outcome"]) for c in children)
    )


def decide(
    session: Session,
    caller: Caller,
    contact_id: str,
    data: dict[str, Any],
    *,
    caseload_cap: int,
    feedback_after_oversight: Collection[str],
) -> Decision:
    """Record a screener's or manager's decision with its rationale; a differing one is marked as an override.

    The referrer is told at once, unless the outcome is one whose feedback waits for a manager's sign-off.
    """
    caller.require(Permission.DECIDE)
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _lock(session, caller, contact_id)
        if contact.status not in DECIDABLE:
            raise DecisionAlreadyRecorded(f"The contact is {contact.status}; a manager may reopen it.")
        holder = held_by_other(session, caller, contact.id, now)
        if holder is not None and not caller.may(Permission.ACT_ON_ANY_CLAIM):
            raise ContactClaimed(f"Held by {holder}: ask them, or a manager, to release it.")
        rec = session.execute(
            select(Recommendation).where(Recommendation.contact_id == contact.id)
        ).scalar_one_or_none()
        children = _children(contact, data["outcome"], data.get("children"))
        consent.require_consent_for_early_help(caller, contact, [data["outcome"], *(c["outcome"] for c in children)])
        override = is_override(rec, data["outcome"], data["rag"], children)
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
        if decision.outcome not in feedback_after_oversight:
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
    """Record a manager's sign-off: agreeing closes the contact (and tells the referrer, if not yet told);
    disagreeing (with a comment) reopens the decision."""
    caller.require(Permission.OVERSEE)
    if not agree and not (comment and comment.strip()):
        raise InvalidFields("Say why you disagree.", errors={"comment": ["Required when you disagree."]})
    now = utcnow()
    with restriction.guarded(session, caller):
        contact = _lock(session, caller, contact_id)
        if contact.status != "decided":
            raise NothingToOversee(f"The contact is {contact.status}.")
        latest = latest_decision(session, contact.id)
        assert latest is not None
        if latest.decided_by == caller.user_id:
            raise OwnDecision("You made this decision: another manager must sign it off.")
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
        if agree and feedback.for_decision(session, latest.id) is None:
            feedback.create_for(session, caller, contact, latest, now)
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


def below_recommendation(decision: Decision) -> bool:
    """Say whether a decision chose a lower level of intervention than the recommendation."""
    if decision.recommended_outcome is None:
        return False
    return OUTCOMES.index(decision.outcome) < OUTCOMES.index(decision.recommended_outcome)


def awaiting_oversight(session: Session, caller: Caller) -> list[tuple[Contact, Decision]]:
    """List decided contacts awaiting sign-off: overrides and decisions below the recommendation first, then oldest."""
    caller.require(Permission.OVERSEE)
    latest = (
        select(Decision.contact_id, func.max(Decision.decided_at).label("at")).group_by(Decision.contact_id).subquery()
    )
    with session.begin():
        rows = session.execute(
            select(Contact, Decision)
            .join(latest, latest.c.contact_id == Contact.id)
            .join(Decision, (Decision.contact_id == Contact.id) & (Decision.decided_at == latest.c.at))
            .where(Contact.status == "decided")
            .order_by(Decision.decided_at)
        ).all()
        audit.record(session, caller, "oversight.list", [contact.id for contact, _ in rows])
    found = [(contact, decision) for contact, decision in rows]
    found.sort(key=lambda row: not (row[1].override or below_recommendation(row[1])))
    return found


def latest_of(session: Session, contact_id: str) -> Decision | None:
    """Return the newest decision on a contact, in a transaction of its own."""
    with session.begin():
        return latest_decision(session, contact_id)
