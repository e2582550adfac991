"""Reports: periods, the managers' figures and quality audits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from mash.enums import QA_GRADES
from schemas.fields import MOMENT_YEARS, Text, utc_moment

DATE_LENGTH = len("2026-11-01")


class DayOrMoment(fields.Field[date | datetime]):
    """A date (a whole day as it falls in England) or a date-time with an offset."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date | datetime:
        if not isinstance(value, str):
            raise ValidationError("Must be a date (2026-11-01) or a date-time with an offset.")
        text = value
        try:
            if len(text) == DATE_LENGTH:
                day = date.fromisoformat(text)
                if day.year not in MOMENT_YEARS:
                    raise ValidationError("Must fall between the years 1900 and 9998.")
                return day
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise ValidationError("Must be a date (2026-11-01) or a date-time with an offset.") from error
        if moment.tzinfo is None:
            raise ValidationError("A date-time must carry an offset (2026-11-01T00:00:00+00:00).")
        return utc_moment(moment)


class PeriodSchema(Schema):
    """A reporting period: `from` and `to` are dates (both days included) or date-times (`to` excluded)."""

    from_ = DayOrMoment(
        data_key="from",
        required=True,
        metadata={"type": "string", "description": "2026-05-01, or 2026-05-01T00:00:00+01:00"},
    )
    to = DayOrMoment(
        required=True,
        metadata={"type": "string", "description": "2026-10-31 (included), or 2026-11-01T00:00:00+00:00 (excluded)"},
    )


class PeriodOutSchema(Schema):
    """The period the figures cover, as UTC instants (`to` excluded)."""

    from_ = fields.AwareDateTime(data_key="from")
    to = fields.AwareDateTime()


class WeekSchema(Schema):
    """Contacts received in one week (weeks start on Monday, in England)."""

    week_starting = fields.String()
    contacts = fields.Integer()
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer())


class ContactsFiguresSchema(Schema):
    """What came in: contacts by CIN referral source code and by week."""

    total = fields.Integer()
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_week = fields.List(fields.Nested(WeekSchema))


class SpreadSchema(Schema):
    """Decisions of one RAG: how many, how many within its deadline, and hours to decision (median, 90th
    percentile by nearest rank; null when there is nothing to measure)."""

    decided = fields.Integer()
    within_deadline = fields.Integer()
    median = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)


class TimelinessSchema(Schema):
    """How fast contacts received in the period were first decided, on the working-day clock."""

    decided = fields.Integer()
    undecided = fields.Integer()
    within_one_working_day = fields.Integer()
    within_rag_deadline = fields.Integer()
    share_within_one_working_day = fields.Float(allow_none=True)
    share_within_rag_deadline = fields.Float(allow_none=True)
    hours_to_decision = fields.Dict(keys=fields.String(), values=fields.Nested(SpreadSchema))


class ConversionSchema(Schema):
    """Decided contacts, and those that became referrals to children's social care."""

    decided = fields.Integer()
    referrals = fields.Integer()
    rate = fields.Float(allow_none=True)


class OutcomesSchema(Schema):
    """Latest outcomes of contacts received in the period, by source; conversion to referral."""

    by_source = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    conversion = fields.Nested(ConversionSchema)


class OverridesSchema(Schema):
    """Decisions made in the period that differed from the recommendation, and which way."""

    decisions = fields.Integer()
    overrides = fields.Integer()
    rate = fields.Float(allow_none=True)
    up = fields.Integer(metadata={"description": "a stronger outcome or a more urgent RAG than recommended"})
    down = fields.Integer(metadata={"description": "a weaker outcome or a less urgent RAG than recommended"})
    children_only = fields.Integer(metadata={"description": "the same outcome and RAG, another for some child"})
    no_recommendation = fields.Integer()


class ChildrenFiguresSchema(Schema):
    """Children who keep coming back (following confirmed matches)."""

    children_on_contacts = fields.Integer()
    with_three_or_more_contacts_in_12_months = fields.Integer()
    re_referrals_within_12_months = fields.Integer()
    re_referral_rate = fields.Float(allow_none=True)
    re_referrals_after_closing_at_the_door = fields.Integer()


class FeedbackFiguresSchema(Schema):
    """Feedback to referrers owed for decisions made in the period."""

    owed = fields.Integer()
    on_time = fields.Integer()
    late = fields.Integer()
    overdue = fields.Integer()
    not_yet_due = fields.Integer()
    share_on_time = fields.Float(allow_none=True)


class ResolveSchema(Schema):
    """Hours from raising a flag to resolving it."""

    median = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)


class FlagFiguresSchema(Schema):
    """Flags for systemic consultation open now, and those resolved in the period."""

    open_now = fields.Integer()
    oldest_open_hours = fields.Float(allow_none=True)
    resolved = fields.Integer()
    hours_to_resolve = fields.Nested(ResolveSchema)


class CheckFiguresSchema(Schema):
    """MASH checks requested of one agency in the period."""

    requested = fields.Integer()
    answered_on_time = fields.Integer()
    answered_late = fields.Integer()
    overdue = fields.Integer()
    failed = fields.Integer()
    pending = fields.Integer()
    share_on_time = fields.Float(allow_none=True)


class QueueRagSchema(Schema):
    """Contacts of one RAG awaiting a decision now."""

    waiting = fields.Integer()
    overdue = fields.Integer()
    median_age_hours = fields.Float(allow_none=True)
    oldest_age_hours = fields.Float(allow_none=True)
    by_age = fields.Dict(keys=fields.String(), values=fields.Integer())


class QueueFiguresSchema(Schema):
    """The queue as it is now (whatever the period)."""

    at = fields.AwareDateTime()
    waiting = fields.Integer()
    overdue = fields.Integer()
    screening_failed = fields.Integer()
    by_rag = fields.Dict(keys=fields.String(), values=fields.Nested(QueueRagSchema))


class TeamFiguresSchema(Schema):
    """A team's caseload against its cap now."""

    team = fields.String()
    kind = fields.String()
    workers = fields.Integer()
    caseload = fields.Integer()
    capacity = fields.Integer()
    free = fields.Integer()
    use = fields.Float(allow_none=True)


class GradeMonthSchema(Schema):
    """Quality audit grades of one month's sample."""

    month = fields.String()
    good = fields.Integer()
    requires_improvement = fields.Integer()
    inadequate = fields.Integer()
    not_graded = fields.Integer()


class InadequateSchema(Schema):
    """A contact whose decision was graded inadequate."""

    month = fields.String()
    contact_id = fields.String()
    reference = fields.String()


class QualityFiguresSchema(Schema):
    """Quality audit grades over time, and the contacts graded inadequate."""

    by_month = fields.List(fields.Nested(GradeMonthSchema))
    inadequate = fields.List(fields.Nested(InadequateSchema))


class FrontDoorFiguresSchema(Schema):
    """The managers' figures for a period."""

    period = fields.Nested(PeriodOutSchema)
    contacts = fields.Nested(ContactsFiguresSchema)
    timeliness = fields.Nested(TimelinessSchema)
    outcomes = fields.Nested(OutcomesSchema)
    overrides = fields.Nested(OverridesSchema)
    children = fields.Nested(ChildrenFiguresSchema)
    feedback = fields.Nested(FeedbackFiguresSchema)
    flags = fields.Nested(FlagFiguresSchema)
    checks = fields.Dict(keys=fields.String(), values=fields.Nested(CheckFiguresSchema))
    queue = fields.Nested(QueueFiguresSchema)
    teams = fields.List(fields.Nested(TeamFiguresSchema))
    quality = fields.Nested(QualityFiguresSchema)


class SampleRequestSchema(Schema):
    """Draw a month's quality audit sample."""

    month = fields.String(required=True, metadata={"example": "2026-11"})
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=500))
    seed = fields.Integer(load_default=0, validate=validate.Range(min=0))


class QualityAuditSchema(Schema):
    """A sampled decision and the grade a manager gave it."""

    id = fields.String()
    month = fields.String()
    contact_id = fields.String()
    reference = fields.String()
    decision_id = fields.String()
    stratum = fields.String(metadata={"description": "outcome/RAG/override or agreed"})
    grade = fields.String(allow_none=True)
    findings = fields.String(allow_none=True)
    graded_by = fields.String(allow_none=True)
    graded_at = fields.AwareDateTime(allow_none=True)


class GradeSchema(Schema):
    """A manager's grade of a sampled decision, with findings."""

    grade = fields.String(required=True, validate=validate.OneOf(QA_GRADES))
    findings = Text(required=True, max_length=10_000)
