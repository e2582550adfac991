"""The queue, claims, decisions, oversight, matches, history and feedback, as staff send and read them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mash.enums import OUTCOMES, RAGS
from schemas.contacts import RecommendationSchema
from schemas.fields import Text, one_of


class QueueQuerySchema(Schema):
    """Filters and paging for the queue."""

    rag = fields.String(validate=one_of(RAGS))
    overdue = fields.Boolean()
    flagged = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=300))


class ClaimSchema(Schema):
    user_id = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)


class QueueItemSchema(Schema):
    id = fields.String()
    reference = fields.String()
    received_at = fields.AwareDateTime()
    agency_type = fields.String()
    categories = fields.List(fields.String())
    children_count = fields.Integer()
    recommendation = fields.Nested(RecommendationSchema, attribute="shown_recommendation")
    overdue = fields.Boolean()
    flagged = fields.Boolean()
    claim = fields.Nested(ClaimSchema, allow_none=True)
    restricted = fields.Boolean(
        metadata={"description": "A restricted contact: its categories and reasons are left out"}
    )


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    next_cursor = fields.String(allow_none=True)


class ChildDecisionSchema(Schema):
    child_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=one_of(OUTCOMES))
    rationale = Text(allow_none=True)


class DecisionCreateSchema(Schema):
    """A decision on a contact: for every child, unless `children` says otherwise for some."""

    outcome = fields.String(required=True, validate=one_of(OUTCOMES))
    rag = fields.String(required=True, validate=one_of(RAGS))
    rationale = Text(required=True)
    team_id = fields.String(allow_none=True)
    children = fields.List(fields.Nested(ChildDecisionSchema), validate=validate.Length(max=20))


class OversightCreateSchema(Schema):
    """A manager's sign-off of the decision."""

    agree = fields.Boolean(required=True, truthy={True}, falsy={False})
    comment = Text(allow_none=True)


class ClaimTakenSchema(Schema):
    contact_id = fields.String()
    user_id = fields.String()
    claimed_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class EarlierContactSchema(Schema):
    id = fields.String()
    reference = fields.String()
    received_at = fields.AwareDateTime()
    status = fields.String()
    categories = fields.List(fields.String())
    recommended_outcome = fields.String(allow_none=True)
    decided_outcome = fields.String(allow_none=True)
    link = fields.String()
    restricted = fields.Boolean(
        metadata={"description": "A restricted contact: its categories and outcomes are left out"}
    )


class ChildHistorySchema(Schema):
    child_id = fields.String()
    contacts_last_12_months = fields.Integer()
    earlier_contacts = fields.List(fields.Nested(EarlierContactSchema))


class AccessEventSchema(Schema):
    at = fields.AwareDateTime()
    user_id = fields.String(allow_none=True)
    user_name = fields.String(allow_none=True)
    role = fields.String()
    action = fields.String()


class AccessHistorySchema(Schema):
    items = fields.List(fields.Nested(AccessEventSchema))


class FeedbackItemSchema(Schema):
    id = fields.String()
    contact_id = fields.String()
    reference = fields.String()
    organisation = fields.String()
    outcome = fields.String()
    decided_at = fields.AwareDateTime()
    due_by = fields.AwareDateTime()
    channel = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)


class FeedbackListSchema(Schema):
    items = fields.List(fields.Nested(FeedbackItemSchema))
