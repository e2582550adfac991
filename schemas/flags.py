"""Flags for systemic consultation, as the therapist raises and follows them and MASH staff read them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mash.enums import FLAG_ACTIONS, FLAG_KINDS, FLAG_STATUSES
from schemas.fields import PastDate, Text, one_of

PARTICIPANT = 200
MAX_PARTICIPANTS = 50


class FlagCreateSchema(Schema):
    """A flag on a contact: what kind, and why the therapist raised it."""

    kind = fields.String(load_default="systemic_consultation", validate=one_of(FLAG_KINDS))
    note = Text(required=True)


class ConsultationCreateSchema(Schema):
    """A systemic consultation about a flagged contact: when it was held, who took part, what was agreed."""

    date = PastDate(required=True)
    participants = fields.List(Text(PARTICIPANT), required=True, validate=validate.Length(min=1, max=MAX_PARTICIPANTS))
    agreed = Text(required=True)


class FlagNoteSchema(Schema):
    """A note on a flag: added to its history, or saying why it is resolved."""

    note = Text(required=True)


class FlagEventSchema(Schema):
    """One step in a flag's history; date, participants and agreed are set only on a consultation."""

    action = fields.String(validate=one_of(FLAG_ACTIONS))
    at = fields.AwareDateTime()
    user_id = fields.String()
    role = fields.String()
    note = fields.String(allow_none=True)
    date = fields.Date(attribute="consultation_date", allow_none=True)
    participants = fields.List(fields.String(), allow_none=True)
    agreed = fields.String(allow_none=True)


class FlagSchema(Schema):
    """A flag on a contact and its whole history, oldest first; in a list, a flag of a restricted contact the reader
    has not opened by break-glass comes as `restricted` without its notes or history."""

    id = fields.String()
    contact_id = fields.String()
    kind = fields.String(validate=one_of(FLAG_KINDS))
    status = fields.String(validate=one_of(FLAG_STATUSES))
    raised_by = fields.String()
    raised_at = fields.AwareDateTime()
    note = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    history = fields.List(fields.Nested(FlagEventSchema), attribute="events")
    restricted = fields.Boolean(dump_default=False)


class ContactFlagQuerySchema(Schema):
    """Filters and paging for one contact's flags."""

    open = fields.Boolean(truthy={"true"}, falsy={"false"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=200))


class FlagQuerySchema(ContactFlagQuerySchema):
    """Filters and paging for the list of flags."""

    contact_id = fields.String(validate=validate.Length(min=1, max=36))


class FlagPageSchema(Schema):
    items = fields.List(fields.Nested(FlagSchema), attribute="shown")
    next_cursor = fields.String(allow_none=True)
