"""Information sharing as staff ask for it and read it: MASH checks and the ledger of every share."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mash.enums import CHECK_AGENCIES, CONCERN_INDICATORS, CONSENT_STATUSES
from schemas.fields import Text, one_of

DIRECTIONS = ("requested", "received", "disclosed")
STATUSES = ("pending", "answered", "failed", "overdue", "not_configured")


class CheckRequestSchema(Schema):
    """MASH checks to ask of partner agencies: which, why, on what legal basis, and why without consent if so."""

    agencies = fields.List(
        fields.String(validate=one_of(CHECK_AGENCIES)),
        required=True,
        validate=validate.Length(min=1, max=len(CHECK_AGENCIES)),
    )
    purpose = Text(2000, required=True)
    legal_basis = Text(500, required=True)
    without_consent_reason = Text(2000, allow_none=True, load_default=None)
    child_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=36),
        metadata={"description": "The child the checks are about; the first child on the contact when left out."},
    )


class PhoneAnswerSchema(Schema):
    """What an agency said by phone in answer to a request, and the indicators it gave (a CP plan, say)."""

    summary = Text(4000, required=True)
    indicators = fields.List(
        fields.String(validate=one_of(CONCERN_INDICATORS)),
        load_default=list,
        validate=validate.Length(max=len(CONCERN_INDICATORS)),
        metadata={"description": "Facts the answer gave that screening keys on; the contact is screened again."},
    )


class SharingRecordSchema(Schema):
    """One share: a request to a partner agency, the answer to one, or a disclosure by the MASH."""

    id = fields.String()
    contact_id = fields.String()
    child_id = fields.String(allow_none=True)
    request_id = fields.String(
        allow_none=True, metadata={"description": "On a received record, the id of the request it answers."}
    )
    agency = fields.String()
    direction = fields.String(metadata={"enum": list(DIRECTIONS)})
    purpose = fields.String()
    legal_basis = fields.String()
    consent_status = fields.String(metadata={"enum": list(CONSENT_STATUSES)})
    without_consent_reason = fields.String(allow_none=True)
    requested_by = fields.String(
        allow_none=True, metadata={"description": "The user who asked or disclosed; null for automatic checks."}
    )
    requested_at = fields.AwareDateTime()
    due_by = fields.AwareDateTime(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    answered_at = fields.AwareDateTime(allow_none=True)
    summary = fields.String(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String(
        allow_none=True, metadata={"description": "The kind of the last failure (never its details)."}
    )


class SharingRecordListSchema(Schema):
    items = fields.List(fields.Nested(SharingRecordSchema))


class PartnerSummarySchema(Schema):
    """What one partner agency last said about the child, and where its latest request stands."""

    agency = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    requested_at = fields.AwareDateTime()
    due_by = fields.AwareDateTime(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    summary = fields.String(allow_none=True)
