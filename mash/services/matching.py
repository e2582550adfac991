"""Who is this child? Suggest links to children already known, let screeners confirm them, and count history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from mash.db import utcnow
from mash.job_names import RESCREEN_CONTACT
from mash.matching import Person, score
from mash.models import Child, ChildMatch, Contact, Decision, MatchEvent, Recommendation
from mash.problems import Conflict, NotFound
from mash.services import audit, child_keys, outbox, restriction
from mash.services.callers import Caller, Permission

KEPT_BANDS = ("likely", "possible")
MAX_CANDIDATES = 2000
MAX_MATCHES_PER_CHILD = 10
HISTORY_WINDOW = timedelta(days=365)
KNOWN_CHILD = aliased(Child, name="known_child")  # built once: the earlier child record a match points to


class MatchNotFound(NotFound):
    slug, title = "match-not-found", "No such match"


class MatchAlreadyDecided(Conflict):
    slug, title = "match-already-decided", "This match has already been confirmed or rejected"


def _person(child: Child) -> Person:
    return Person(
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number,
        postcode=child.postcode,
        school=child.school_or_setting,
    )


def candidates(session: Session, contact: Contact, child: Child) -> list[Child]:
    """Return the known children worth scoring against a child on a contact, found by indexed keys."""
    ids = child_keys.matching_ids(
        child.first_name, child.last_name, child.date_of_birth, child.postcode, child.nhs_number
    )
    if ids is None:
        return []
    return list(
        session.execute(
            select(Child)
            .join(Contact, Contact.id == Child.contact_id)
            .where(Child.id.in_(ids), Child.contact_id != contact.id, Contact.received_at <= contact.received_at)
            .limit(MAX_CANDIDATES)
        ).scalars()
    )


def suggest_matches(session: Session, contact: Contact, now: datetime | None = None) -> int:
    """Score each child on a contact against known children found by indexed keys; store the likely and possible."""
    now = now or utcnow()
    made = 0
    for child in contact.children:
        if child.date_of_birth is None and not child.nhs_number:
            continue
        existing = set(
            session.execute(select(ChildMatch.known_child_id).where(ChildMatch.child_id == child.id)).scalars()
        )
        new = _person(child)
        scored = [(score(new, _person(known)), known) for known in candidates(session, contact, child)]
        kept = sorted((pair for pair in scored if pair[0].band in KEPT_BANDS), key=lambda p: -p[0].score)
        for result, known in kept[:MAX_MATCHES_PER_CHILD]:
            if known.id in existing:
                continue
            session.add(
                ChildMatch(
                    child_id=child.id,
                    known_child_id=known.id,
                    score=round(result.score, 3),
                    band=result.band,
                    evidence=list(result.evidence),
                    status="suggested",
                    created_at=now,
                )
            )
            made += 1
    return made


def _linked(child_id: Any) -> Any:
    return and_(
        ChildMatch.child_id == child_id,
        or_(ChildMatch.status == "confirmed", and_(ChildMatch.status == "suggested", ChildMatch.band == "likely")),
    )


EarlierConcern = tuple[list[str], list[str], str, int | None]


def earlier_concerns(session: Session, contact: Contact, child: Child) -> list[EarlierConcern]:
    """Return each earlier contact in 12 months about the same child: categories, indicators, consent, level."""
    known = KNOWN_CHILD
    rows = session.execute(
        select(Contact.id, Contact.categories, Contact.indicators, Contact.consent_status, Recommendation.level)
        .select_from(ChildMatch)
        .join(known, known.id == ChildMatch.known_child_id)
        .join(Contact, Contact.id == known.contact_id)
        .outerjoin(Recommendation, Recommendation.contact_id == Contact.id)
        .where(
            _linked(child.id),
            Contact.id != contact.id,
            Contact.received_at >= contact.received_at - HISTORY_WINDOW,
            Contact.received_at <= contact.received_at,
        )
    ).all()
    unique = {row[0]: row for row in rows}
    return [(list(r[1]), list(r[2]), r[3], r[4]) for r in unique.values()]


def matches_for(session: Session, child_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return the matches of some children with the earlier contact each points to; call inside a transaction. A
    restricted earlier contact shows as one, without the evidence (which names the child)."""
    known = KNOWN_CHILD
    rows = session.execute(
        select(ChildMatch, Contact.reference, Contact.received_at, Contact.id, Contact.restriction)
        .join(known, known.id == ChildMatch.known_child_id)
        .join(Contact, Contact.id == known.contact_id)
        .where(ChildMatch.child_id.in_(child_ids))
        .order_by(ChildMatch.score.desc())
    ).all()
    found: dict[str, list[dict[str, Any]]] = {child_id: [] for child_id in child_ids}
    for match, reference, received_at, contact_id, restricted in rows:
        found[match.child_id].append(
            {
                "id": match.id,
                "known_child_id": match.known_child_id,
                "contact_id": contact_id,
                "contact_reference": reference,
                "contact_received_at": received_at,
                "score": match.score,
                "band": match.band,
                "evidence": [] if restricted else match.evidence,
                "status": match.status,
                "decided_at": match.decided_at,
                "restricted": restricted is not None,
            }
        )
    return found


def decide_match(session: Session, caller: Caller, match_id: str, action: str) -> ChildMatch:
    """Confirm, reject or undo a suggested link; a change of history re-screens a contact awaiting decision."""
    caller.require(Permission.DECIDE)
    now = utcnow()
    with session.begin():
        match = session.get(ChildMatch, match_id, with_for_update=session.get_bind().dialect.name == "postgresql")
        if match is None:
            raise MatchNotFound(f"No match {match_id}.")
        if action == "undo":
            if match.status == "suggested":
                raise Conflict("There is no confirmation or rejection to undo.")
            match.status, match.decided_by, match.decided_at = "suggested", None, None
        else:
            if match.status != "suggested":
                raise MatchAlreadyDecided("Undo the earlier confirmation or rejection first.")
            match.status = "confirmed" if action == "confirm" else "rejected"
            match.decided_by, match.decided_at = caller.user_id, now
        session.add(MatchEvent(match_id=match.id, at=now, user_id=caller.user_id, action=action))
        contact = session.execute(
            select(Contact).join(Child, Child.contact_id == Contact.id).where(Child.id == match.child_id)
        ).scalar_one()
        audit.record(session, caller, f"match.{action}", [contact.id], detail={"match": match.id})
        if contact.status == "awaiting_decision":
            outbox.add(session, RESCREEN_CONTACT, contact.id, now=now)
    return match


def _concerns(
    restricted: str | None, categories: list[str], recommended: str | None, decided: str | None
) -> dict[str, Any]:
    """Return what an earlier contact was about and what came of it, withheld when it is restricted."""
    if restricted is not None:
        return {"categories": [], "recommended_outcome": None, "decided_outcome": None, "restricted": True}
    return {
        "categories": categories,
        "recommended_outcome": recommended,
        "decided_outcome": decided,
        "restricted": False,
    }


def child_history(session: Session, caller: Caller, child_id: str) -> dict[str, Any]:
    """Return a child's earlier contacts through confirmed and likely links, with what was recommended and decided
    (withheld for a restricted contact, which opens only by itself, by break-glass)."""
    return children_history(session, caller, [child_id])[child_id]


def children_history(session: Session, caller: Caller, child_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Return the history of each of some children (as `child_history` does), reading all of them at once."""
    caller.require(Permission.READ_CHILD_HISTORY)
    known = KNOWN_CHILD
    with restriction.guarded(session, caller):
        children = {
            child.id: child
            for child in session.execute(
                select(Child).where(Child.id.in_(child_ids)).options(joinedload(Child.contact))
            ).scalars()
        }
        missing = set(child_ids) - set(children)
        if missing:
            raise NotFound(f"No child {sorted(missing)[0]}.")
        for child in children.values():
            restriction.require_open(session, caller, child.contact)
        rows = session.execute(
            select(
                ChildMatch.child_id,
                Contact.id,
                Contact.reference,
                Contact.received_at,
                Contact.status,
                Contact.restriction,
                Contact.categories,
                ChildMatch.status.label("link_status"),
                ChildMatch.band,
                Recommendation.outcome,
            )
            .select_from(ChildMatch)
            .join(known, known.id == ChildMatch.known_child_id)
            .join(Contact, Contact.id == known.contact_id)
            .outerjoin(Recommendation, Recommendation.contact_id == Contact.id)
            .where(or_(*(_linked(child_id) for child_id in child_ids)))
            .order_by(Contact.received_at.desc())
        ).all()
        decided = dict(
            session.execute(
                select(Decision.contact_id, Decision.outcome)
                .where(Decision.contact_id.in_({row.id for row in rows}))
                .order_by(Decision.decided_at)
            ).all()
        )
        own = [children[child_id].contact_id for child_id in child_ids]
        # the other contacts linked in the 12 months up to the child's contact, as screening counts them
        recent = {
            child.id: len(
                {
                    row.id
                    for row in rows
                    if row.child_id == child.id
                    and row.id != child.contact_id
                    and child.contact.received_at - HISTORY_WINDOW <= row.received_at <= child.contact.received_at
                }
            )
            for child in children.values()
        }
        audit.record(session, caller, "child.history", own)
        revealed = sorted({row.id for row in rows} - set(own))
        audit.record(session, caller, "contact.revealed", revealed, detail={"via": "child.history"})
    return {
        child_id: {
            "child_id": child_id,
            "contacts_last_12_months": recent[child_id],
            "earlier_contacts": [
                {
                    "id": row.id,
                    "reference": row.reference,
                    "received_at": row.received_at,
                    "status": row.status,
                    "link": "confirmed" if row.link_status == "confirmed" else row.band,
                    **_concerns(row.restriction, row.categories, row.outcome, decided.get(row.id)),
                }
                for row in rows
                if row.child_id == child_id
            ],
        }
        for child_id in child_ids
    }
