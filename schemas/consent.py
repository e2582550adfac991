"""The family's consent recorded after the contact arrived."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.fields import Text, one_of


class ConsentRecordSchema(Schema):
    """Consent given or refused since the contact arrived, and who gave or refused it, and how."""

    status = fields.String(required=True, validate=one_of(("given", "refused")))
    detail = Text(required=True)


class ConsentRecordedSchema(Schema):
    """The case note that records the consent."""

    id = fields.String()
    kind = fields.String()
    at = fields.AwareDateTime()
    text = fields.String()
