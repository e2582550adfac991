"""Retention review and destruction: list what the schedule says is due, then destroy a reviewed list and nothing
else. A held contact is never listed nor destroyed; every destroyed record leaves one audit event (ids and class)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import (
    Child,
    Contact,
    Decision,
    Feedback,
    IdempotencyRecord,
    OutboxItem,
    ReferralDraft,
    RetentionReview,
    RetentionReviewItem,
    SecurityEvent,
    SharingRecord,
    SignInAttempt,
)
from mash.services import audit
from mash.services.legal_holds import acting_staff, held_contacts
from mash.services.retention_policy import CONTACT, RetentionClass, RetentionPolicy
from mash.services.users import UserInvalid

DECIDED_STATUSES = ("decided", "closed")
# The records other than contacts, each with its table, the column its trigger names, and extra conditions.
OTHER_RECORDS: dict[str, tuple[str, Any, dict[str, Any], tuple[Any, ...]]] = {
    "referral_draft": (
        "referral_draft",
        ReferralDraft,
        {"created": ReferralDraft.created_at, "updated": ReferralDraft.updated_at},
        (ReferralDraft.contact_id.is_(None),),
    ),
    "idempotency_record": (
        "idempotency_record",
        IdempotencyRecord,
        {"created": IdempotencyRecord.created_at},
        (),
    ),
    "security_event": ("security_event", SecurityEvent, {"created": SecurityEvent.at}, ()),
    "sign_in_attempt": ("security_event", SignInAttempt, {"created": SignInAttempt.at}, ()),
}


@dataclass(frozen=True)
class Due:
    """A record the schedule says may be destroyed: its type, id, reference (contacts), class and dates."""

    record_type: str
    record_id: str
    reference: str | None
    class_id: str
    trigger_date: date
    due_date: date


@dataclass(frozen=True)
class Destruction:
    """What a destruction run did: the records destroyed, those skipped (held or no longer due), jobs removed."""

    destroyed: list[Due]
    skipped: int
    jobs_removed: int


def _today() -> date:
    return utcnow().date()


def _contact_classes(policy: RetentionPolicy, outcomes: set[str], categories: Iterable[str]) -> list[RetentionClass]:
    categories = list(categories)
    return [c for c in policy.for_records(CONTACT) if c.covers(outcomes, categories)]


def _due_contacts(session: Session, policy: RetentionPolicy, today: date) -> Iterator[Due]:
    candidates = (
        select(Contact.id)
        .where(Contact.status.in_(DECIDED_STATUSES), Contact.id.not_in(held_contacts()))
        .scalar_subquery()
    )
    last_decided: dict[str, date] = {}
    outcomes: dict[str, set[str]] = defaultdict(set)
    for contact_id, decided_at, outcome, children in session.execute(
        select(Decision.contact_id, Decision.decided_at, Decision.outcome, Decision.children).where(
            Decision.contact_id.in_(candidates)
        )
    ):
        last_decided[contact_id] = max(last_decided.get(contact_id, decided_at.date()), decided_at.date())
        outcomes[contact_id].update([outcome, *(child["outcome"] for child in children)])
    youngest: dict[str, date] = {}
    for contact_id, born, expected in session.execute(
        select(Child.contact_id, Child.date_of_birth, Child.expected_date_of_delivery).where(
            Child.contact_id.in_(candidates)
        )
    ):
        birth = born or expected
        if birth is not None:
            youngest[contact_id] = max(youngest.get(contact_id, birth), birth)
    for contact_id, reference, categories in session.execute(
        select(Contact.id, Contact.reference, Contact.categories).where(Contact.id.in_(candidates))
    ):
        if contact_id not in last_decided:
            continue
        decided = last_decided[contact_id]
        triggers = {"decided": decided, "youngest_child_born": youngest.get(contact_id, decided)}
        dated = [
            (cls.due(triggers[cls.trigger]), triggers[cls.trigger], cls)
            for cls in _contact_classes(policy, outcomes[contact_id], categories)
        ]
        due_date, trigger, cls = max(dated, key=lambda row: row[0])
        if due_date <= today:
            yield Due(CONTACT, contact_id, reference, cls.id, trigger, due_date)


def _latest_trigger(cls: RetentionClass, today: date) -> datetime:
    """Return a moment after every trigger whose record is due by `today` (a generous bound; `due` decides)."""
    back = today - timedelta(days=cls.days)
    back = back.replace(year=back.year - cls.years, day=min(back.day, 28) if back.month == 2 else back.day)
    return datetime.combine(back + timedelta(days=2), time.min, tzinfo=UTC)


def _due_others(session: Session, policy: RetentionPolicy, today: date) -> Iterator[Due]:
    for record_type, (records, model, columns, conditions) in OTHER_RECORDS.items():
        for cls in policy.for_records(records):
            column = columns[cls.trigger]
            rows = session.execute(select(model.id, column).where(column < _latest_trigger(cls, today), *conditions))
            for record_id, moment in rows:
                due_date = cls.due(moment.date())
                if due_date <= today:
                    yield Due(record_type, record_id, None, cls.id, moment.date(), due_date)


def due_records(session: Session, policy: RetentionPolicy, today: date) -> list[Due]:
    """Return every record due for destruction on `today` and under no hold, inside the caller's transaction."""
    return [*_due_contacts(session, policy, today), *_due_others(session, policy, today)]


def review(session: Session, policy: RetentionPolicy, *, today: date | None = None) -> RetentionReview:
    """List what is due now as a review that `destroy` can carry out; audited on each contact listed."""
    now = utcnow()
    with session.begin():
        found = due_records(session, policy, today or _today())
        run = RetentionReview(created_at=now, policy_version=policy.version)
        session.add(run)
        session.flush()
        if found:
            session.execute(
                insert(RetentionReviewItem),
                [
                    {
                        "review_id": run.id,
                        "record_type": item.record_type,
                        "record_id": item.record_id,
                        "reference": item.reference,
                        "class_id": item.class_id,
                        "trigger_date": item.trigger_date,
                        "due_date": item.due_date,
                    }
                    for item in found
                ],
            )
        contacts = [item.record_id for item in found if item.record_type == CONTACT]
        if contacts:
            audit.record(session, None, "retention.review", contacts, detail={"review_id": run.id}, at=now)
    return run


def review_items(session: Session, review_id: str) -> tuple[RetentionReview, list[RetentionReviewItem]]:
    """Return a review and its items, due date first; UserInvalid if there is no such review."""
    with session.begin():
        run = session.get(RetentionReview, review_id.strip())
        if run is None:
            raise UserInvalid(f"no retention review {review_id!r}")
        return run, list(run.items)


def _job_entities(session: Session, contact_ids: list[str]) -> list[str]:
    """Return the ids that jobs about these contacts are named by: the contacts, their feedback and their shares."""
    feedback = session.execute(select(Feedback.id).where(Feedback.contact_id.in_(contact_ids))).scalars()
    shares = session.execute(select(SharingRecord.id).where(SharingRecord.contact_id.in_(contact_ids))).scalars()
    return [*contact_ids, *feedback, *shares]


def _destroy_contacts(session: Session, contact_ids: list[str]) -> list[str]:
    entities = _job_entities(session, contact_ids)
    session.execute(delete(OutboxItem).where(OutboxItem.entity_id.in_(entities)))
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.contact_id.in_(contact_ids)))
    session.execute(delete(ReferralDraft).where(ReferralDraft.contact_id.in_(contact_ids)))
    # The database's ON DELETE CASCADE takes every row that names the contact or its children with it.
    session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
    return entities


def destroy(
    session: Session,
    policy: RetentionPolicy,
    review_id: str,
    by: str,
    forget_jobs: Callable[[list[str]], int],
    *,
    today: date | None = None,
) -> Destruction:
    """Destroy the items of a review that are still due and under no hold, with their jobs in the queue; record one
    audit event per record destroyed. Redis is cleared before the commit, so a failure there destroys nothing."""
    now = utcnow()
    with session.begin():
        caller = acting_staff(session, by)
        run = session.get(RetentionReview, review_id.strip(), with_for_update=True)
        if run is None:
            raise UserInvalid(f"no retention review {review_id!r}")
        if run.destroyed_at is not None:
            raise UserInvalid(f"the review {run.id} was carried out on {run.destroyed_at.date().isoformat()}")
        listed = {(item.record_type, item.record_id): item for item in run.items}
        contact_ids = [record_id for kind, record_id in listed if kind == CONTACT]
        session.execute(select(Contact.id).where(Contact.id.in_(contact_ids)).with_for_update()).all()
        still_due = [
            d for d in due_records(session, policy, today or _today()) if (d.record_type, d.record_id) in listed
        ]
        by_type: dict[str, list[str]] = defaultdict(list)
        for item in still_due:
            by_type[item.record_type].append(item.record_id)
            listed[(item.record_type, item.record_id)].destroyed_at = now
        entities = _destroy_contacts(session, by_type[CONTACT]) if by_type[CONTACT] else []
        for record_type, (_, model, _, _) in OTHER_RECORDS.items():
            if by_type[record_type]:
                session.execute(delete(model).where(model.id.in_(by_type[record_type])))
        run.destroyed_at, run.destroyed_by = now, caller.user_id
        for item in still_due:
            detail = {"record_type": item.record_type, "record_id": item.record_id, "class": item.class_id}
            contact = item.record_id if item.record_type == CONTACT else None
            audit.record(
                session, caller, "retention.destroy", [contact], detail={**detail, "review_id": run.id}, at=now
            )
        removed = forget_jobs(entities) if entities else 0
    return Destruction(still_due, len(listed) - len(still_due), removed)


def child_names(session: Session, review_id: str) -> dict[str, list[str]]:
    """Return the children's names on each contact of a review, for a person checking the list; audited per contact."""
    with session.begin():
        contact_ids = list(
            session.execute(
                select(RetentionReviewItem.record_id).where(
                    RetentionReviewItem.review_id == review_id, RetentionReviewItem.record_type == CONTACT
                )
            ).scalars()
        )
        names: dict[str, list[str]] = defaultdict(list)
        for contact_id, first, last in session.execute(
            select(Child.contact_id, Child.first_name, Child.last_name)
            .where(Child.contact_id.in_(contact_ids))
            .order_by(Child.contact_id, Child.position)
        ):
            names[contact_id].append(" ".join(part for part in (first, last) if part) or "(unborn, not named)")
        if names:
            audit.record(session, None, "retention.review_names", list(names), detail={"review_id": review_id})
    return dict(names)
