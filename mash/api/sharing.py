"""Information sharing: staff ask partner agencies for MASH checks and read the ledger of every share."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask.views import MethodView

from mash.api.auth import current_actor, requires
from mash.api.body import ApiBlueprint
from mash.db import get_session
from mash.services import sharing
from schemas.sharing import CheckRequestSchema, SharingRecordListSchema

blp = ApiBlueprint(
    "sharing", __name__, url_prefix="/api/v1/contacts", description="Information sharing with partner agencies"
)


@blp.route("/<string:contact_id>/checks")
class ContactChecks(MethodView):
    @requires("screener", "manager")
    @blp.arguments(CheckRequestSchema)
    @blp.response(202, SharingRecordListSchema)
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Ask partner agencies what they hold about a contact's child; the answers arrive on the ledger."""
        records = sharing.request_checks(
            get_session(),
            current_actor(),
            contact_id,
            settings=current_app.config["MASH_SETTINGS"],
            request_id=g.request_id,
            **payload,
        )
        return {"items": records}, 202, {"Location": f"/api/v1/contacts/{contact_id}/information-sharing"}


@blp.route("/<string:contact_id>/information-sharing")
class ContactSharingLedger(MethodView):
    @requires("screener", "manager")
    @blp.response(200, SharingRecordListSchema)
    def get(self, contact_id: str) -> Any:
        """Read every information-sharing record of a contact: requests, answers and disclosures."""
        return {"items": sharing.ledger(get_session(), current_actor(), contact_id, request_id=g.request_id)}
