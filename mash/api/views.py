"""How a contact reads for each kind of caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from mash.models import Contact
from mash.services import audit, screening
from mash.services.users import Actor

CHILD_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_delivery",
    "gender",
    "nhs_number",
    "address",
    "school_or_setting",
    "ethnicity",
    "first_language",
    "disability",
)
ADULT_FIELDS = ("first_name", "last_name", "relationship", "date_of_birth", "lives_with_child")
REFERRER_FIELDS = ("name", "role", "organisation", "agency_type", "email", "phone", "external_reference")


def _pick(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def partner_view(contact: Contact) -> dict[str, Any]:
    """Return what the referring organisation may read: status, and feedback once decided."""
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": contact.status,
        "received_at": contact.received_at,
        "feedback": None,
    }


def staff_view(session: Session, contact: Contact) -> dict[str, Any]:
    """Return everything staff may read of a contact."""
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": contact.status,
        "received_at": contact.received_at,
        "acknowledged_at": contact.acknowledged_at,
        "submitted_by_organisation": contact.organisation,
        "source_code": contact.source_code,
        "referrer": _pick(contact.referrer, REFERRER_FIELDS),
        "children": [_pick(child, CHILD_FIELDS) for child in contact.children],
        "adults": [_pick(adult, ADULT_FIELDS) for adult in contact.adults],
        "concerns": {
            "categories": contact.categories,
            "indicators": contact.indicators,
            "summary": contact.summary,
            "worries": contact.worries,
            "strengths": contact.strengths,
            "needs": contact.needs,
        },
        "immediate_danger": contact.immediate_danger,
        "consent": {"status": contact.consent_status, "reason": contact.consent_reason},
        "recommendation": recommendation_view(session, contact.id),
        "audit": audit.view_summary(session, contact.id),
    }


def recommendation_view(session: Session, contact_id: str) -> dict[str, Any] | None:
    """Return the screening's recommendation for a contact, as the contract shapes it."""
    with session.begin():
        found = screening.get_recommendation(session, contact_id)
    if found is None:
        return None
    rec, team_name = found
    return {
        "outcome": rec.outcome,
        "rag": rec.rag,
        "level": rec.level,
        "decision_due_by": rec.decision_due_by,
        "reasons": rec.reasons,
        "rulebook_version": rec.rulebook_version,
        "team": {"id": rec.team_id, "name": team_name} if rec.team_id else None,
        "team_note": rec.team_note,
        "checks": rec.checks,
        "children": rec.children,
        "screened_at": rec.screened_at,
    }


def contact_view(session: Session, actor: Actor, contact: Contact) -> dict[str, Any]:
    """Return the view of a contact that fits the caller's role."""
    return partner_view(contact) if actor.is_partner else staff_view(session, contact)
