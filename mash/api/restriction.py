"""Restricted contacts: restricting and lifting, break-glass openings, and the privacy officer's list of them."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import restriction
from mash.services.callers import Permission
from schemas.restriction import (
    BreakGlassCreateSchema,
    BreakGlassSchema,
    PrivacyLogPageSchema,
    PrivacyLogQuerySchema,
    RestrictionCreateSchema,
    RestrictionSchema,
)

blp = ApiBlueprint(
    "restriction", __name__, url_prefix="/api/v1", description="Restricted contacts, break-glass and the privacy log"
)


@blp.route("/contacts/<string:contact_id>/restriction")
class ContactRestriction(Resource):
    @requires(Permission.RESTRICT_CONTACT)
    @blp.arguments(RestrictionCreateSchema)
    @blp.response(201, RestrictionSchema)
    @blp.alt_response(409, description="The contact is already restricted")
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Restrict a contact: caseworkers then open it only by break-glass, with a reason, for a limited time."""
        return restriction.restrict(self.session, self.caller, contact_id, payload["category"], payload["reason"])

    @requires(Permission.LIFT_RESTRICTION)
    @blp.response(204)
    @blp.alt_response(409, description="The contact is not restricted")
    def delete(self, contact_id: str) -> None:
        """Lift a contact's restriction (managers)."""
        restriction.lift(self.session, self.caller, contact_id)


@blp.route("/contacts/<string:contact_id>/break-glass")
class ContactBreakGlass(Resource):
    @requires(Permission.BREAK_GLASS)
    @blp.arguments(BreakGlassCreateSchema)
    @blp.response(201, BreakGlassSchema)
    @blp.alt_response(409, description="The contact is not restricted")
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Open a restricted contact for a limited time, giving the reason; the opening goes on the privacy log."""
        minutes = self.settings.break_glass_minutes
        return restriction.break_glass(self.session, self.caller, contact_id, payload["reason"], minutes)


@blp.route("/privacy/log")
class PrivacyLog(Resource):
    @requires(Permission.READ_PRIVACY_LOG)
    @blp.arguments(PrivacyLogQuerySchema, location="query")
    @blp.response(200, PrivacyLogPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List break-glass openings and restrictions placed and lifted, newest first (the privacy officer)."""
        return restriction.privacy_log(
            self.session,
            self.caller,
            start=query.get("from_"),
            end=query.get("to"),
            limit=query["limit"],
            cursor=query.get("cursor"),
        )
