"""Finding a child: the details searched by (in the body, never the URL) and the candidates found."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.fields import NhsNumber, PastDate, Rounded, SearchName


class ChildSearchSchema(Schema):
    """At least one of a name, a date of birth and an NHS number."""

    first_name = SearchName(load_default=None)
    last_name = SearchName(load_default=None)
    date_of_birth = PastDate(load_default=None)
    nhs_number = NhsNumber(load_default=None)


class CandidateContactSchema(Schema):
    """A contact about a candidate child."""

    id = fields.String(attribute="contact_id")
    reference = fields.String()
    received_at = fields.DateTime()
    outcome = fields.String(allow_none=True)


class CandidateSchema(Schema):
    """A child record that may be the one searched for."""

    child_id = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    score = Rounded(3)
    band = fields.String()
    reasons = fields.List(fields.String())
    restricted = fields.Boolean(
        metadata={"description": "The child is on a restricted contact: no name, date of birth, reasons or outcome"}
    )
    contacts = fields.List(fields.Nested(CandidateContactSchema))


class ChildSearchResultSchema(Schema):
    """The candidates, best first."""

    items = fields.List(fields.Nested(CandidateSchema))
