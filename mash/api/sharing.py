"""Information sharing: staff ask partner agencies for MASH checks and read the ledger of every share."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import phone_answers, sharing
from mash.services.callers import Permission
from schemas.sharing import CheckRequestSchema, PhoneAnswerSchema, SharingRecordListSchema, SharingRecordSchema

blp = ApiBlueprint(
    "sharing", __name__, url_prefix="/api/v1/contacts", description="Information sharing with partner agencies"
)


@blp.route("/<string:contact_id>/checks")
class ContactChecks(Resource):
    @requires(Permission.SHARE_INFORMATION)
    @blp.arguments(CheckRequestSchema)
    @blp.response(202, SharingRecordListSchema)
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Ask partner agencies what they hold about a contact's child; the answers arrive on the ledger."""
        records = sharing.request_checks(self.session, self.caller, contact_id, settings=self.settings, **payload)
        return {"items": records}, 202, {"Location": f"/api/v1/contacts/{contact_id}/information-sharing"}


@blp.route("/<string:contact_id>/information-sharing")
class ContactSharingLedger(Resource):
    @requires(Permission.READ_SHARING_LEDGER)
    @blp.response(200, SharingRecordListSchema)
    def get(self, contact_id: str) -> Any:
        """Read every information-sharing record of a contact: requests, answers and disclosures."""
        return {"items": sharing.ledger(self.session, self.caller, contact_id)}


@blp.route("/<string:contact_id>/information-sharing/<string:request_id>/answer")
class PhoneAnswer(Resource):
    @requires(Permission.SHARE_INFORMATION)
    @blp.arguments(PhoneAnswerSchema)
    @blp.response(201, SharingRecordSchema)
    def post(self, payload: dict[str, Any], contact_id: str, request_id: str) -> Any:
        """Record an agency's answer given by phone; indicators it gave are confirmed and screen the contact again."""
        return phone_answers.answer_by_phone(self.session, self.caller, contact_id, request_id, **payload)
