"""The contact as partner agencies send it and as staff and partners read it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mash.enums import (
    AGENCY_TYPES,
    CONCERN_CATEGORIES,
    CONCERN_INDICATORS,
    CONSENT_STATUSES,
    CONTACT_STATUSES,
    ETHNICITY_CODES,
    GENDERS,
    OUTCOMES,
    RAGS,
)
from schemas.fields import ExpectedDelivery, Name, NhsNumber, PastDate, Text, UtcDateTime, one_of
from schemas.flags import FlagSchema
from schemas.restriction import RestrictionSchema
from schemas.sharing import PartnerSummarySchema, SharingRecordSchema

NAME = 200


class AddressSchema(Schema):
    line_1 = Text(NAME, allow_none=True)
    line_2 = Text(NAME, allow_none=True)
    town = Text(NAME, allow_none=True)
    postcode = Text(10, allow_none=True)


class ReferrerSchema(Schema):
    name = Name(NAME, required=True)
    role = Text(NAME, allow_none=True)
    organisation = Text(NAME, allow_none=True)
    agency_type = fields.String(
        validate=one_of(AGENCY_TYPES),
        metadata={"description": "Required from staff; a partner's comes from its account (a different one is a 422)."},
    )
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    phone = Text(40, allow_none=True)
    external_reference = Text(NAME, allow_none=True)


class ChildSchema(Schema):
    first_name = Name(NAME, allow_none=True)
    last_name = Name(NAME, allow_none=True)
    date_of_birth = PastDate(allow_none=True)
    expected_date_of_delivery = ExpectedDelivery(allow_none=True)
    gender = fields.String(load_default="unknown", validate=one_of(GENDERS))
    nhs_number = NhsNumber(allow_none=True)
    address = fields.Nested(AddressSchema, allow_none=True)
    school_or_setting = Text(NAME, allow_none=True)
    ethnicity = fields.String(allow_none=True, validate=one_of(ETHNICITY_CODES))
    first_language = Text(100, allow_none=True)
    disability = fields.Boolean(allow_none=True, truthy={True}, falsy={False})

    @validates_schema
    def _born_or_unborn(self, data: dict[str, Any], **_: Any) -> None:
        born = data.get("date_of_birth") is not None
        unborn = data.get("expected_date_of_delivery") is not None
        if born == unborn:
            message = "Give exactly one of date_of_birth and expected_date_of_delivery."
            raise ValidationError({"date_of_birth": [message], "expected_date_of_delivery": [message]})
        if born:
            missing = {
                name: ["Required for a child who has been born."]
                for name in ("first_name", "last_name")
                if not data.get(name)
            }
            if missing:
                raise ValidationError(missing)


class AdultSchema(Schema):
    first_name = Name(NAME, allow_none=True)
    last_name = Name(NAME, allow_none=True)
    relationship = Text(100, allow_none=True)
    date_of_birth = PastDate(allow_none=True)
    lives_with_child = fields.Boolean(allow_none=True, truthy={True}, falsy={False})


class ConcernsSchema(Schema):
    categories = fields.List(
        fields.String(validate=one_of(CONCERN_CATEGORIES)),
        required=True,
        validate=validate.Length(min=1, max=len(CONCERN_CATEGORIES)),
    )
    indicators = fields.List(
        fields.String(validate=one_of(CONCERN_INDICATORS)),
        load_default=list,
        validate=validate.Length(max=len(CONCERN_INDICATORS)),
    )
    summary = Text(required=True)
    worries = Text(allow_none=True)
    strengths = Text(allow_none=True)
    needs = Text(allow_none=True)


class ConsentSchema(Schema):
    status = fields.String(required=True, validate=one_of(CONSENT_STATUSES))
    reason = Text(allow_none=True)

    @validates_schema
    def _reason_unless_given(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") in ("refused", "not_sought") and not data.get("reason"):
            raise ValidationError({"reason": ["Required unless consent was given."]})


class ContactCreateSchema(Schema):
    """A contact about one or more children, as a referrer submits it."""

    referrer = fields.Nested(ReferrerSchema, required=True)
    children = fields.List(fields.Nested(ChildSchema), required=True, validate=validate.Length(min=1, max=20))
    adults = fields.List(fields.Nested(AdultSchema), load_default=list, validate=validate.Length(max=50))
    concerns = fields.Nested(ConcernsSchema, required=True)
    immediate_danger = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    consent = fields.Nested(ConsentSchema, required=True)


class ContactCreatedSchema(Schema):
    """The acknowledgement a referrer gets at once."""

    id = fields.String()
    reference = fields.String()
    status = fields.String(validate=one_of(CONTACT_STATUSES))
    received_at = fields.String(metadata={"format": "date-time"})
    acknowledged_at = fields.String(metadata={"format": "date-time"})


class FeedbackSchema(Schema):
    outcome = fields.String(validate=one_of(OUTCOMES))
    decided_at = fields.AwareDateTime()
    message = fields.String()


class ContactPartnerSchema(Schema):
    """What a partner sees of its own organisation's contact: its state and the feedback for it."""

    id = fields.String(metadata={"description": "The contact's opaque id."})
    reference = fields.String(metadata={"description": "The contact's reference, to quote (MASH-2026-000123)."})
    status = fields.String(validate=one_of(CONTACT_STATUSES), metadata={"description": "Where the contact is."})
    received_at = fields.AwareDateTime(metadata={"description": "When it was received."})
    external_reference = fields.String(
        allow_none=True,
        metadata={"description": "The partner's own reference for the contact, as it sent it; null if none."},
    )
    feedback = fields.Nested(
        FeedbackSchema,
        allow_none=True,
        metadata={"description": "What was decided, once the referrer has been told; null until then."},
    )


class InformationCreateSchema(Schema):
    """Information a referrer or staff add to a contact after it arrived."""

    text = Text(required=True)
    indicators = fields.List(
        fields.String(validate=one_of(CONCERN_INDICATORS)),
        load_default=list,
        validate=validate.Length(max=len(CONCERN_INDICATORS)),
    )


class InformationSchema(Schema):
    """Information added to a contact, kept beside what was first received."""

    id = fields.String()
    text = fields.String()
    indicators = fields.List(fields.String(validate=one_of(CONCERN_INDICATORS)))
    added_at = fields.AwareDateTime()
    role = fields.String()
    organisation = fields.String()


class FollowOnSchema(Schema):
    """The new contact that information added after a decision opened."""

    id = fields.String(required=True)
    reference = fields.String(required=True)


class InformationAddedSchema(InformationSchema):
    """The answer to adding information: the addition, and the new contact it opened."""

    follow_on = fields.Nested(
        FollowOnSchema,
        allow_none=True,
        required=True,
        metadata={
            "description": "When the contact was already decided, the new contact the addition opened so that a "
            "screener sees it (the same children, screened like any other); null when the contact is screened again."
        },
    )


class ReasonSchema(Schema):
    rule = fields.String()
    text = fields.String()
    source = fields.String()


class ChildRecommendationSchema(Schema):
    child_id = fields.String()
    outcome = fields.String(validate=one_of(OUTCOMES))
    rag = fields.String(validate=one_of(RAGS))
    level = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonSchema))


class TeamRefSchema(Schema):
    id = fields.String()
    name = fields.String()


class RecommendationSchema(Schema):
    outcome = fields.String(validate=one_of(OUTCOMES))
    rag = fields.String(validate=one_of(RAGS))
    level = fields.Integer()
    decision_due_by = fields.AwareDateTime()
    reasons = fields.List(fields.Nested(ReasonSchema))
    rulebook_version = fields.String()
    team = fields.Nested(TeamRefSchema, allow_none=True)
    team_note = fields.String(allow_none=True)
    checks = fields.List(fields.String())
    children = fields.List(fields.Nested(ChildRecommendationSchema))
    screened_at = fields.AwareDateTime()


class MatchSchema(Schema):
    contact_id = fields.String()
    contact_reference = fields.String()
    contact_received_at = fields.AwareDateTime()
    evidence = fields.List(fields.String())
    id = fields.String()
    child_id = fields.String()
    known_child_id = fields.String()
    score = fields.Float()
    band = fields.String()
    status = fields.String()
    decided_at = fields.AwareDateTime(allow_none=True)
    restricted = fields.Boolean(
        metadata={"description": "The earlier contact is restricted: it opens by itself, by break-glass"}
    )


class DecisionSchema(Schema):
    id = fields.String()
    decided_by = fields.String()
    role = fields.String()
    decided_at = fields.AwareDateTime()
    outcome = fields.String()
    rag = fields.String()
    rationale = fields.String()
    team_id = fields.String(allow_none=True)
    children = fields.List(fields.Dict())
    override = fields.Boolean()
    recommended_outcome = fields.String(allow_none=True)
    recommended_rag = fields.String(allow_none=True)


class OversightSchema(Schema):
    id = fields.String()
    decision_id = fields.String()
    manager_id = fields.String()
    at = fields.AwareDateTime()
    agree = fields.Boolean()
    comment = fields.String(allow_none=True)


class ChildReadSchema(ChildSchema):
    id = fields.String()
    matches = fields.List(fields.Nested(MatchSchema))


class AuditSummarySchema(Schema):
    views = fields.Integer()
    last_viewed_at = fields.AwareDateTime(allow_none=True)


class ContactStaffSchema(Schema):
    """Everything staff may read of a contact."""

    id = fields.String()
    reference = fields.String()
    status = fields.String()
    received_at = fields.AwareDateTime()
    acknowledged_at = fields.AwareDateTime()
    submitted_by_organisation = fields.String(attribute="organisation")
    external_reference = fields.String(allow_none=True)
    source_code = fields.String()
    referrer = fields.Nested(ReferrerSchema)
    children = fields.List(fields.Nested(ChildReadSchema))
    adults = fields.List(fields.Nested(AdultSchema))
    concerns = fields.Nested(ConcernsSchema)
    information = fields.List(fields.Nested(InformationSchema))
    immediate_danger = fields.Boolean()
    consent = fields.Nested(ConsentSchema)
    recommendation = fields.Nested(RecommendationSchema, allow_none=True)
    decision = fields.Nested(DecisionSchema, allow_none=True)
    decisions = fields.List(fields.Nested(DecisionSchema))
    oversight = fields.List(fields.Nested(OversightSchema))
    flags = fields.List(fields.Nested(FlagSchema))
    information_sharing = fields.List(fields.Nested(SharingRecordSchema), attribute="ledger.records")
    partner_summaries = fields.List(fields.Nested(PartnerSummarySchema), attribute="ledger.summaries")
    audit = fields.Nested(AuditSummarySchema)
    restriction = fields.Nested(RestrictionSchema, allow_none=True)
    opened_until = fields.AwareDateTime(
        allow_none=True, metadata={"description": "A restricted contact: when this caseworker's break-glass ends"}
    )


class ContactSummarySchema(Schema):
    """One row of the staff list of contacts."""

    id = fields.String()
    reference = fields.String()
    status = fields.String()
    received_at = fields.AwareDateTime()
    agency_type = fields.String()
    children_count = fields.Integer()
    categories = fields.List(fields.String(), metadata={"description": "Empty for a restricted contact"})
    restricted = fields.Boolean()


class ContactQuerySchema(Schema):
    """Filters and paging for the list of contacts."""

    status = fields.String(validate=one_of(CONTACT_STATUSES))
    agency_type = fields.String(validate=one_of(AGENCY_TYPES))
    external_reference = fields.String(validate=validate.Length(min=1, max=200))
    received_from = UtcDateTime()
    received_to = UtcDateTime()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=200))


class ContactPageSchema(Schema):
    """A page of the staff list of contacts."""

    items = fields.List(fields.Nested(ContactSummarySchema))
    next_cursor = fields.String(allow_none=True)


class ContactPartnerPageSchema(Schema):
    """A page of a partner's own contacts, newest first."""

    items = fields.List(fields.Nested(ContactPartnerSchema))
    next_cursor = fields.String(allow_none=True)


class ContactReadSchema(ContactStaffSchema):
    """Everything staff may read of a contact, and the feedback sent to its referrer."""

    feedback = fields.Nested(FeedbackSchema, allow_none=True)
