"""The screeners' queue: contacts awaiting a decision, most urgent first, and expiring claims on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mash.db import utcnow
from mash.models import Claim, Contact, Flag, Recommendation, Team, User
from mash.problems import Conflict, ContactNotFound
from mash.services import audit, cursors, restriction
from mash.services.callers import Caller, Permission
from mash.services.listing import ListedContact, ShownRecommendation

RAG_RANKS = {"red": 0, "amber": 1, "green": 2}
RAG_ORDER = case(RAG_RANKS, value=Recommendation.rag, else_=len(RAG_RANKS))


class ContactClaimed(Conflict):
    slug, title = "contact-claimed", "Another screener holds this contact"


class NotInQueue(Conflict):
    slug, title = "not-in-queue", "This contact is not awaiting a decision"


@dataclass(frozen=True)
class HeldClaim:
    """Who holds a claim on a contact, and until when."""

    user_id: str
    name: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class QueueEntry(ListedContact):
    """One contact in the queue with its recommendation, claim and flags."""

    contact: Contact
    recommendation: Recommendation
    claimed_by: str | None
    claimed_by_name: str | None
    claim_expires_at: datetime | None
    flagged: bool
    overdue: bool
    team_name: str | None

    @property
    def shown_recommendation(self) -> ShownRecommendation:
        """Return the recommendation as the queue shows it: without its reasons for a restricted contact."""
        return ShownRecommendation(self.recommendation, self.team_name, withheld=self.restricted)

    @property
    def claim(self) -> HeldClaim | None:
        """Return who holds the contact and until when, or None when nobody does."""
        if not self.claimed_by:
            return None
        return HeldClaim(self.claimed_by, self.claimed_by_name, self.claim_expires_at)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the cursor for the next."""

    items: list[QueueEntry]
    next_cursor: str | None


def _cursor(entry: QueueEntry) -> str:
    rank = RAG_RANKS[entry.recommendation.rag]
    return cursors.encode(rank, entry.recommendation.decision_due_by, entry.contact.id)


def _after(cursor: str) -> Any:
    rank, due_at, contact_id = cursors.decode(cursor, int, datetime, str)
    return or_(
        rank < RAG_ORDER,
        and_(rank == RAG_ORDER, Recommendation.decision_due_by > due_at),
        and_(rank == RAG_ORDER, Recommendation.decision_due_by == due_at, Contact.id > contact_id),
    )


def list_queue(
    session: Session,
    caller: Caller,
    *,
    rag: str | None = None,
    overdue: bool | None = None,
    flagged: bool | None = None,
    claimed: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> QueuePage:
    """List contacts awaiting a decision: red, then amber, then green, each by deadline (`claimed`: mine, unclaimed)."""
    caller.require(Permission.READ_QUEUE)
    now = utcnow()
    open_flag = exists().where(Flag.contact_id == Contact.id, Flag.status == "open")
    query = (
        select(Contact, Recommendation, Claim.user_id, User.name, Claim.expires_at, open_flag, Team.name)
        .join(Recommendation, Recommendation.contact_id == Contact.id)
        .outerjoin(Team, Team.id == Recommendation.team_id)
        .outerjoin(Claim, and_(Claim.contact_id == Contact.id, Claim.expires_at > now))
        .outerjoin(User, User.id == Claim.user_id)
        .where(Contact.status == "awaiting_decision")
        .options(selectinload(Contact.children))
    )
    if rag:
        query = query.where(Recommendation.rag == rag)
    if overdue is not None:
        query = query.where(Recommendation.decision_due_by < now if overdue else Recommendation.decision_due_by >= now)
    if flagged is not None:
        query = query.where(open_flag if flagged else ~open_flag)
    if claimed == "mine":
        query = query.where(Claim.user_id == caller.user_id)
    elif claimed == "unclaimed":
        query = query.where(Claim.contact_id.is_(None))
    if cursor:
        query = query.where(_after(cursor))
    query = query.order_by(RAG_ORDER, Recommendation.decision_due_by, Contact.id).limit(limit + 1)
    with session.begin():
        rows = session.execute(query).all()
        entries = [
            QueueEntry(contact, rec, holder, name, expires, bool(is_flagged), rec.decision_due_by < now, team)
            for contact, rec, holder, name, expires, is_flagged, team in rows[:limit]
        ]
        audit.record(session, caller, "queue.list", [e.contact.id for e in entries], at=now)
    return QueuePage(entries, _cursor(entries[-1]) if len(rows) > limit else None)


def take(session: Session, caller: Caller, contact_id: str, minutes: int) -> Claim:
    """Take a contact for this screener until the claim expires; refuse one another screener holds."""
    caller.require(Permission.DECIDE)
    now = utcnow()
    expires = now + timedelta(minutes=minutes)
    try:
        with restriction.guarded(session, caller):
            contact = session.get(Contact, contact_id)
            if contact is None:
                raise ContactNotFound(f"No contact {contact_id}.")
            restriction.require_open(session, caller, contact)
            if contact.status != "awaiting_decision":
                raise NotInQueue(f"The contact is {contact.status}.")
            taken = session.execute(
                update(Claim)
                .where(
                    Claim.contact_id == contact_id,
                    or_(Claim.user_id == caller.user_id, Claim.expires_at <= now),
                )
                .values(user_id=caller.user_id, claimed_at=now, expires_at=expires)
                .returning(Claim.contact_id)
            ).first()
            if not taken:
                session.add(Claim(contact_id=contact_id, user_id=caller.user_id, claimed_at=now, expires_at=expires))
                session.flush()
            audit.record(session, caller, "contact.claim", [contact_id], at=now)
    except IntegrityError:
        session.rollback()
        with session.begin():
            holder = session.execute(
                select(User.name, Claim.expires_at)
                .join(User, User.id == Claim.user_id)
                .where(Claim.contact_id == contact_id)
            ).first()
        detail = f"Held by {holder[0]} until {holder[1].isoformat()}." if holder else "Held by another screener."
        raise ContactClaimed(detail) from None
    return Claim(contact_id=contact_id, user_id=caller.user_id, claimed_at=now, expires_at=expires)


def release(session: Session, caller: Caller, contact_id: str) -> None:
    """Give up a claim this screener holds (a manager may release anyone's); 404 for an unknown contact."""
    caller.require(Permission.DECIDE)
    with session.begin():
        if session.get(Contact, contact_id) is None:
            raise ContactNotFound(f"No contact {contact_id}.")
        query = delete(Claim).where(Claim.contact_id == contact_id)
        if not caller.may(Permission.ACT_ON_ANY_CLAIM):
            query = query.where(Claim.user_id == caller.user_id)
        session.execute(query)
        audit.record(session, caller, "contact.release", [contact_id])


def held_by_other(session: Session, caller: Caller, contact_id: str, now: datetime) -> str | None:
    """Return the name of another screener holding a live claim on the contact, if any; call inside a transaction."""
    row = session.execute(
        select(User.name)
        .join(Claim, Claim.user_id == User.id)
        .where(Claim.contact_id == contact_id, Claim.user_id != caller.user_id, Claim.expires_at > now)
    ).first()
    return row[0] if row else None
