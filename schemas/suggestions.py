"""Suggested indicators, as screeners and managers read, confirm and dismiss them."""

from __future__ import annotations

from marshmallow import Schema, fields

from schemas.fields import Text


class SuggestionSchema(Schema):
    """An indicator or category the narrative reader found in the referrer's words, with the sentence."""

    id = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "indicator or category"})
    field = fields.String(metadata={"description": "summary, worries, strengths, needs or information"})
    sentence = fields.String()
    term = fields.String()
    status = fields.String(metadata={"description": "suggested, confirmed or dismissed"})
    reader_version = fields.String()
    found_at = fields.AwareDateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    dismiss_reason = fields.String(allow_none=True)


class SuggestionListSchema(Schema):
    """A contact's suggestions, oldest first."""

    items = fields.List(fields.Nested(SuggestionSchema))


class DismissSchema(Schema):
    """Why a suggestion is dismissed (required; audited)."""

    reason = Text(required=True)
