"""Report parameters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields

DATE_LENGTH = len("2026-11-01")


class DayOrMoment(fields.Field[date | datetime]):
    """A date (a whole day as it falls in England) or a date-time with an offset."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date | datetime:
        if not isinstance(value, str):
            raise ValidationError("Must be a date (2026-11-01) or a date-time with an offset.")
        text = value
        try:
            if len(text) == DATE_LENGTH:
                return date.fromisoformat(text)
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise ValidationError("Must be a date (2026-11-01) or a date-time with an offset.") from error
        if moment.tzinfo is None:
            raise ValidationError("A date-time must carry an offset (2026-11-01T00:00:00+00:00).")
        return moment


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
