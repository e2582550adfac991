"""Feedback to referrers: a templated message on each final decision, shown to the partner and sent by webhook.

A decision is final when it is made, or, for the outcomes a council names (MASH_FEEDBACK_AFTER_OVERSIGHT, no
further action by default), when a manager signs it off. Feedback by webhook is delivered when the partner's
system accepts it; feedback in the portal is delivered when the portal (or the API) first shows it to a partner.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.base import PartnerRejected
from integrations.notify import WebhookNotifier
from mash.db import utcnow
from mash.job_names import SEND_FEEDBACK
from mash.models import Contact, Decision, Feedback, NotificationEndpoint
from mash.screening.clock import WorkingCalendar
from mash.services import audit, outbox, partner_calls, sharing
from mash.services.callers import Caller, Permission
from mash.services.listing import ReadsThrough

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "feedback.yaml"
NO_FEEDBACK_SOURCES = frozenset({"anonymous", "unknown"})
DONE = ("delivered", "not_required")
LEGAL_BASIS = "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18 (safeguarding of children)"


@cache
def templates() -> dict[str, Any]:
    """Load the feedback templates."""
    loaded: dict[str, Any] = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    return loaded


def message_for(contact: Contact, outcome: str) -> str:
    """Write the plain-English message a referrer reads about a decision."""
    text = templates()
    opening = text["opening"].format(reference=contact.reference, received=contact.received_at.strftime("%-d %B %Y"))
    return f"{opening} {text['messages'][outcome]} {text['closing']}"


def _channel(session: Session, contact: Contact) -> str:
    if contact.agency_type in NO_FEEDBACK_SOURCES:
        return "none"
    endpoint = session.execute(
        select(NotificationEndpoint.id).where(NotificationEndpoint.organisation == contact.organisation)
    ).first()
    return "webhook" if endpoint else "portal"


def create_for(session: Session, caller: Caller, contact: Contact, decision: Decision, now: datetime) -> Feedback:
    """Write the feedback for a decision, its disclosure record and its delivery job, in the caller's transaction."""
    channel = _channel(session, contact)
    item = Feedback(
        contact_id=contact.id,
        decision_id=decision.id,
        outcome=decision.outcome,
        decided_at=decision.decided_at,
        message=message_for(contact, decision.outcome),
        channel=channel,
        status="not_required" if channel == "none" else "pending",
        due_by=WorkingCalendar().add_working_days(now, 1),
    )
    session.add(item)
    session.flush()
    if channel != "none":
        sharing.record_disclosure(
            session,
            caller,
            contact.id,
            agency=contact.agency_type,
            purpose="Feedback to the referrer on the MASH decision",
            legal_basis=LEGAL_BASIS,
            summary=f"Outcome {decision.outcome} told to {contact.organisation} by {channel}.",
        )
    if channel == "webhook":
        outbox.add(session, SEND_FEEDBACK, item.id, now=now)
    return item


def latest_for(session: Session, contact_id: str) -> Feedback | None:
    """Return the newest feedback on a contact; call inside a transaction."""
    return session.execute(
        select(Feedback).where(Feedback.contact_id == contact_id).order_by(Feedback.decided_at.desc()).limit(1)
    ).scalar_one_or_none()


def for_decision(session: Session, decision_id: str) -> Feedback | None:
    """Return the feedback written for a decision, if any; call inside a transaction."""
    return session.execute(select(Feedback).where(Feedback.decision_id == decision_id)).scalar_one_or_none()


def shown_to(session: Session, caller: Caller, contact_ids: list[str]) -> dict[str, Feedback]:
    """Return the newest feedback on each of some contacts; shown to a partner, portal feedback is delivered."""
    found: dict[str, Feedback] = {}
    if not contact_ids:
        return found
    now = utcnow()
    with session.begin():
        rows = session.execute(
            select(Feedback).where(Feedback.contact_id.in_(contact_ids)).order_by(Feedback.decided_at)
        ).scalars()
        for item in rows:
            found[item.contact_id] = item
        if caller.is_partner:
            unseen = [item for item in found.values() if item.channel == "portal" and item.status != "delivered"]
            for item in unseen:
                item.status, item.delivered_at = "delivered", now
            if unseen:
                audit.record(session, caller, "feedback.delivered", [item.contact_id for item in unseen], at=now)
    return found


def send(session: Session, feedback_id: str, timeout: float) -> bool:
    """Deliver one feedback message by webhook; retryable failures raise, a refusal is recorded as failed."""

    def prepare() -> tuple[NotificationEndpoint | None, dict[str, Any]] | None:
        item = session.get(Feedback, feedback_id)
        if item is None or item.status in DONE or item.status == "failed":
            outbox.complete(session, SEND_FEEDBACK, feedback_id)
            return None
        contact = session.get(Contact, item.contact_id)
        assert contact is not None
        endpoint = session.execute(
            select(NotificationEndpoint).where(NotificationEndpoint.organisation == contact.organisation)
        ).scalar_one_or_none()
        message = {
            "reference": contact.reference,
            "contact_id": contact.id,
            "external_reference": contact.external_reference,
            "outcome": item.outcome,
            "decided_at": item.decided_at.isoformat(),
            "message": item.message,
        }
        return endpoint, message

    def deliver(prepared: tuple[NotificationEndpoint | None, dict[str, Any]]) -> None:
        endpoint, message = prepared
        if endpoint is None:
            raise PartnerRejected("notification", "no webhook is registered for the organisation", status=404)
        WebhookNotifier(endpoint.url, endpoint.secret, timeout=timeout).send(message, idempotency_key=feedback_id)

    return partner_calls.attempt(
        session,
        prepare,
        deliver,
        permanent=(PartnerRejected,),
        answered=lambda _: _delivered(session, feedback_id),
        refused=lambda code: _failed(session, feedback_id, code.value),
        unavailable=lambda code: _attempted(session, feedback_id, code.value),
    )


def _attempted(session: Session, feedback_id: str, error: str) -> None:
    attempted = session.get(Feedback, feedback_id)
    assert attempted is not None
    attempted.attempts += 1
    attempted.last_error = error


def _delivered(session: Session, feedback_id: str) -> bool:
    delivered = session.get(Feedback, feedback_id)
    assert delivered is not None
    delivered.status, delivered.delivered_at = "delivered", utcnow()
    delivered.attempts += 1
    outbox.complete(session, SEND_FEEDBACK, feedback_id)
    audit.record(session, None, "feedback.delivered", [delivered.contact_id])
    return True


def _failed(session: Session, feedback_id: str, error: str) -> None:
    item = session.get(Feedback, feedback_id)
    if item is None or item.status in DONE:
        return
    item.status, item.last_error = "failed", error[:200]
    outbox.fail(session, SEND_FEEDBACK, feedback_id, error)
    audit.record(session, None, "feedback.failed", [item.contact_id], detail={"error": error[:200]})


def mark_failed(session: Session, feedback_id: str, error: str) -> None:
    """Record that feedback could not be delivered, so that a manager sees it in the overdue list."""
    with session.begin():
        _failed(session, feedback_id, error)


@dataclass(frozen=True)
class OverdueFeedback(ReadsThrough):
    """Feedback not delivered in time, with the contact it is about."""

    _through = "feedback"
    feedback: Feedback
    contact: Contact

    @property
    def reference(self) -> str:
        """Return the contact's reference."""
        return self.contact.reference

    @property
    def organisation(self) -> str:
        """Return the organisation that made the contact."""
        return self.contact.organisation


def overdue(session: Session, caller: Caller, now: datetime | None = None) -> list[OverdueFeedback]:
    """List feedback not delivered by its due time (failed or still pending), oldest first, for managers."""
    caller.require(Permission.READ_OVERDUE_FEEDBACK)
    now = now or utcnow()
    with session.begin():
        rows = session.execute(
            select(Feedback, Contact)
            .join(Contact, Contact.id == Feedback.contact_id)
            .where(Feedback.status.not_in(DONE), Feedback.due_by < now)
            .order_by(Feedback.due_by)
        ).all()
        audit.record(session, caller, "feedback.overdue_list", [contact.id for _, contact in rows], at=now)
    return [OverdueFeedback(item, contact) for item, contact in rows]


def register_webhook(session: Session, organisation: str, url: str) -> str:
    """Register (or replace) an organisation's feedback webhook; return the signing secret, shown once."""
    WebhookNotifier(url, "check")
    secret = secrets.token_urlsafe(32)
    with session.begin():
        existing = session.execute(
            select(NotificationEndpoint).where(NotificationEndpoint.organisation == organisation)
        ).scalar_one_or_none()
        if existing is None:
            session.add(NotificationEndpoint(organisation=organisation, url=url, secret=secret, created_at=utcnow()))
        else:
            existing.url, existing.secret = url, secret
    return secret
