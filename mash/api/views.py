"""How a contact reads for each kind of caller."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from mash.models import Contact, Decision, Feedback, Oversight, Recommendation
from mash.services import feedback
from mash.services.callers import Caller
from mash.services.contact_record import StaffRecord
from mash.services.information import information_fields

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


def _feedback_fields(told: Feedback | None) -> dict[str, Any] | None:
    return {"outcome": told.outcome, "decided_at": told.decided_at, "message": told.message} if told else None


def _partner_fields(contact: Contact, told: Feedback | None) -> dict[str, Any]:
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": contact.status,
        "received_at": contact.received_at,
        "external_reference": contact.external_reference,
        "feedback": _feedback_fields(told),
    }


def partner_view(session: Session, caller: Caller, contact: Contact) -> dict[str, Any]:
    """Return what the referring organisation may read: status, and feedback once the decision is final."""
    return partner_views(session, caller, [contact])[0]


def partner_views(session: Session, caller: Caller, listed: list[Contact]) -> list[dict[str, Any]]:
    """Return the partner view of each of the organisation's contacts, with the feedback meant for it."""
    told = feedback.shown_to(session, caller, [contact.id for contact in listed])
    return [_partner_fields(contact, told.get(contact.id)) for contact in listed]


def staff_summary(contact: Contact) -> dict[str, Any]:
    """Return one row of the staff list of contacts (a restricted contact's without its concerns)."""
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": contact.status,
        "received_at": contact.received_at,
        "agency_type": contact.agency_type,
        "children_count": len(contact.children),
        "categories": [] if contact.restriction else contact.categories,
        "restricted": contact.restriction is not None,
    }


def _decision_fields(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "decided_by": decision.decided_by,
        "role": decision.role,
        "decided_at": decision.decided_at,
        "outcome": decision.outcome,
        "rag": decision.rag,
        "rationale": decision.rationale,
        "team_id": decision.team_id,
        "children": decision.children,
        "override": decision.override,
        "recommended_outcome": decision.recommended_outcome,
        "recommended_rag": decision.recommended_rag,
    }


def _oversight_fields(oversight: Oversight) -> dict[str, Any]:
    return {
        "id": oversight.id,
        "decision_id": oversight.decision_id,
        "manager_id": oversight.manager_id,
        "at": oversight.at,
        "agree": oversight.agree,
        "comment": oversight.comment,
    }


def recommendation_fields(rec: Recommendation, team_name: str | None, *, withheld: bool = False) -> dict[str, Any]:
    """Return a recommendation as the contract shapes it; `withheld` leaves out the reasons (what the contact is
    about), as a list shows a restricted contact."""
    return {
        "outcome": rec.outcome,
        "rag": rec.rag,
        "level": rec.level,
        "decision_due_by": rec.decision_due_by,
        "reasons": [] if withheld else rec.reasons,
        "rulebook_version": rec.rulebook_version,
        "team": {"id": rec.team_id, "name": team_name} if rec.team_id else None,
        "team_note": rec.team_note,
        "checks": rec.checks,
        "children": [{**child, "reasons": []} for child in rec.children] if withheld else rec.children,
        "screened_at": rec.screened_at,
    }


def restriction_fields(contact: Contact) -> dict[str, Any] | None:
    """Return why and since when a contact is restricted, or None."""
    if contact.restriction is None:
        return None
    return {
        "category": contact.restriction,
        "reason": contact.restriction_reason,
        "restricted_at": contact.restricted_at,
        "restricted_by": contact.restricted_by_id,
    }


def staff_view(record: StaffRecord) -> dict[str, Any]:
    """Shape a contact as a caseworker reads it (the information-sharing ledger only for roles that may read it)."""
    contact, matches, made = record.contact, record.matches, record.decisions
    ledger = record.ledger
    shared = {"information_sharing": ledger.records, "partner_summaries": ledger.summaries} if ledger else {}
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": contact.status,
        "received_at": contact.received_at,
        "acknowledged_at": contact.acknowledged_at,
        "submitted_by_organisation": contact.organisation,
        "external_reference": contact.external_reference,
        "source_code": contact.source_code,
        "referrer": _pick(contact.referrer, REFERRER_FIELDS),
        "children": [{**_pick(child, CHILD_FIELDS), "matches": matches[child.id]} for child in contact.children],
        "adults": [_pick(adult, ADULT_FIELDS) for adult in contact.adults],
        "concerns": {
            "categories": contact.categories,
            "indicators": contact.indicators,
            "summary": contact.summary,
            "worries": contact.worries,
            "strengths": contact.strengths,
            "needs": contact.needs,
        },
        "information": [information_fields(added) for added in contact.information],
        "immediate_danger": contact.immediate_danger,
        "consent": {"status": contact.consent_status, "reason": contact.consent_reason},
        "recommendation": recommendation_fields(*record.recommendation) if record.recommendation else None,
        "decision": _decision_fields(made[-1]) if made else None,
        "decisions": [_decision_fields(d) for d in made],
        "oversight": [_oversight_fields(o) for o in record.oversight],
        "feedback": _feedback_fields(record.feedback),
        "flags": record.flags,
        **shared,
        "audit": {"views": record.views, "last_viewed_at": record.last_viewed_at},
        "restriction": restriction_fields(contact),
        "opened_until": record.opened_until,
    }
