"""Statutory returns and performance reports."""

from __future__ import annotations

from typing import Any

from flask import Response

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import reports
from mash.services.callers import Permission
from schemas.reports import PeriodSchema

blp = ApiBlueprint("reports", __name__, url_prefix="/api/v1/reports", description="Statutory returns")


@blp.route("/annex-a/contacts")
class AnnexAContacts(Resource):
    @requires(Permission.DOWNLOAD_RETURNS)
    @blp.arguments(PeriodSchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, period: dict[str, Any]) -> Response:
        """Download Ofsted Annex A List 1 (contacts) as CSV: one row per child per contact."""
        lines = reports.annex_a_contacts(self.session, self.caller, period["from_"], period["to"])
        return Response(
            "".join(lines),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="annex-a-list-1-contacts.csv"'},
        )
