"""Report parameters."""

from __future__ import annotations

from marshmallow import Schema, fields


class PeriodSchema(Schema):
    """A reporting period: from (inclusive) to (exclusive), each with an offset."""

    from_ = fields.AwareDateTime(data_key="from", required=True)
    to = fields.AwareDateTime(required=True)
