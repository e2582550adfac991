"""Restricted contacts, break-glass openings and the privacy officer's list, as staff send and read them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mash.enums import PRIVACY_EVENT_KINDS, RESTRICTION_CATEGORIES
from schemas.fields import Text, one_of
from schemas.reports import DayOrMoment

MAX_REASON = 2000
CATEGORY = {
    "description": "Why the contact is restricted: staff_or_family (a member of staff or their family), "
    "high_profile, or other"
}


class RestrictionCreateSchema(Schema):
    """Why a contact is restricted: a category and, in words, the reason."""

    category = fields.String(required=True, validate=one_of(RESTRICTION_CATEGORIES), metadata=CATEGORY)
    reason = Text(required=True, max_length=MAX_REASON, metadata={"description": "Why, in words (at most 2,000)"})


class RestrictionSchema(Schema):
    """A contact's restriction: why, since when, and who placed it."""

    category = fields.String(validate=one_of(RESTRICTION_CATEGORIES), metadata=CATEGORY)
    reason = fields.String(metadata={"description": "Why the contact is restricted, in words"})
    restricted_at = fields.AwareDateTime()
    restricted_by = fields.String()


class BreakGlassCreateSchema(Schema):
    """Why this caseworker needs to open a restricted contact now."""

    reason = Text(
        required=True,
        max_length=MAX_REASON,
        metadata={"description": "Why this caseworker needs the record now (at most 2,000 characters)"},
    )


class BreakGlassSchema(Schema):
    """A break-glass opening: the contact is open to its caseworker until `expires_at`."""

    id = fields.String()
    contact_id = fields.String()
    reference = fields.String()
    user_id = fields.String()
    at = fields.AwareDateTime(metadata={"description": "When it was opened"})
    expires_at = fields.AwareDateTime(metadata={"description": "When the contact closes again"})
    reason = fields.String(metadata={"description": "Why the caseworker opened it"})


class PrivacyLogQuerySchema(Schema):
    """A period and paging for the privacy officer's list: `from` and `to` are dates (both days included) or
    date-times (`to` excluded); either may be left out."""

    from_ = DayOrMoment(data_key="from", metadata={"type": "string", "description": "2026-11-01, or a date-time"})
    to = DayOrMoment(metadata={"type": "string", "description": "2026-11-30 (included), or a date-time (excluded)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=300))


class PrivacyEventSchema(Schema):
    """One break-glass opening, or one restriction placed or lifted."""

    id = fields.String()
    kind = fields.String(
        validate=one_of(PRIVACY_EVENT_KINDS),
        metadata={"description": "break_glass (a caseworker opened it), restricted, or restriction_lifted"},
    )
    at = fields.AwareDateTime()
    contact_id = fields.String()
    reference = fields.String()
    user_id = fields.String()
    user_name = fields.String()
    role = fields.String()
    category = fields.String(allow_none=True, metadata=CATEGORY)
    reason = fields.String(
        allow_none=True,
        metadata={"description": "The reason given for the opening or the restriction; null on lifting"},
    )
    expires_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "A break-glass opening: when it closes; null otherwise"}
    )


class PrivacyLogPageSchema(Schema):
    """A page of the privacy officer's list, newest first."""

    items = fields.List(fields.Nested(PrivacyEventSchema))
    next_cursor = fields.String(allow_none=True)
