"""Consent recorded after a contact arrived (screeners and managers)."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import casework
from mash.services.callers import Permission
from schemas.consent import ConsentRecordedSchema, ConsentRecordSchema

blp = ApiBlueprint("consent", __name__, url_prefix="/api/v1/contacts", description="The family's consent")


@blp.route("/<string:contact_id>/consent")
class ContactConsent(Resource):
    @requires(Permission.RECORD_CONSENT)
    @blp.arguments(ConsentRecordSchema)
    @blp.response(200, ConsentRecordedSchema)
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Record consent given or refused since the contact arrived; the contact is screened again."""
        return casework.record_consent(self.session, self.caller, contact_id, payload["status"], payload["detail"])
