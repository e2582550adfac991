"""Comparing a candidate rulebook with the one in use, as managers ask for it and read the answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_RULEBOOK = 200_000


class CompareRequestSchema(Schema):
    """A candidate rulebook (its YAML text) and, optionally, the window of contacts to replay."""

    rulebook = fields.String(required=True, validate=validate.Length(min=1, max=MAX_RULEBOOK))
    received_from = fields.Date(data_key="from", load_default=None)
    received_to = fields.Date(data_key="to", load_default=None)


class MovementSchema(Schema):
    """How many contacts move from one outcome to another."""

    from_ = fields.String(data_key="from")
    to = fields.String()
    contacts = fields.Integer()


class MovedDownSchema(Schema):
    """A contact whose recommendation would go down, and the rules that fired differently."""

    contact_id = fields.String()
    reference = fields.String()
    current = fields.String()
    candidate = fields.String()
    current_level = fields.Integer()
    candidate_level = fields.Integer()
    rules_changed = fields.List(fields.String(), metadata={"description": "Rules that fired and differ"})


class ComparisonSchema(Schema):
    """The outcome-to-outcome movement over the replayed contacts, and each contact that would go down."""

    current_version = fields.String()
    candidate_version = fields.String()
    contacts = fields.Integer()
    movement = fields.List(fields.Nested(MovementSchema))
    down = fields.List(fields.Nested(MovedDownSchema))
    up = fields.Integer(metadata={"description": "How many contacts would go up"})
