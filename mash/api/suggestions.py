"""Suggested indicators: screeners and managers list, confirm and dismiss what the narrative reader found."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import suggestions
from mash.services.callers import Permission
from schemas.suggestions import DismissSchema, SuggestionListSchema, SuggestionSchema

blp = ApiBlueprint(
    "suggestions", __name__, url_prefix="/api/v1/contacts", description="Indicators found in a contact's words"
)


@blp.route("/<string:contact_id>/suggestions")
class ContactSuggestions(Resource):
    @requires(Permission.REVIEW_SUGGESTIONS)
    @blp.response(200, SuggestionListSchema)
    def get(self, contact_id: str) -> Any:
        """List the indicators and categories found in the contact's words, with their sentences."""
        return {"items": suggestions.list_for(self.session, self.caller, contact_id)}


@blp.route("/<string:contact_id>/suggestions/<string:suggestion_id>/confirm")
class ConfirmSuggestion(Resource):
    @requires(Permission.REVIEW_SUGGESTIONS)
    @blp.response(200, SuggestionSchema)
    @blp.alt_response(409, description="Already confirmed or dismissed")
    def post(self, contact_id: str, suggestion_id: str) -> Any:
        """Confirm a suggestion: the screener agrees the words say this."""
        return suggestions.decide(self.session, self.caller, contact_id, suggestion_id, "confirm")


@blp.route("/<string:contact_id>/suggestions/<string:suggestion_id>/dismiss")
class DismissSuggestion(Resource):
    @requires(Permission.REVIEW_SUGGESTIONS)
    @blp.arguments(DismissSchema)
    @blp.response(200, SuggestionSchema)
    @blp.alt_response(409, description="Already confirmed or dismissed")
    def post(self, payload: dict[str, Any], contact_id: str, suggestion_id: str) -> Any:
        """Dismiss a suggestion with a reason; the contact is screened again without it."""
        return suggestions.decide(self.session, self.caller, contact_id, suggestion_id, "dismiss", payload["reason"])
