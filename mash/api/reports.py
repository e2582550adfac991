"""Statutory returns and performance reports."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services.callers import Permission
from mash.services.reports.annex_a import annex_a
from mash.services.reports.period import period
from schemas.reports import PeriodSchema

blp = ApiBlueprint("reports", __name__, url_prefix="/api/v1/reports", description="Statutory returns and figures")
MAX_DAYS = 400
NO_STORE = {"Cache-Control": "no-store"}


def _annex_a(resource: Resource, name: str, query: dict[str, Any]) -> Response:
    span = period(query["from_"], query["to"], MAX_DAYS)
    chunks = annex_a(resource.session, resource.caller, name, span)
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="annex-a-{name}.csv"', **NO_STORE},
    )


@blp.route("/annex-a/contacts")
class AnnexAContacts(Resource):
    @requires(Permission.DOWNLOAD_RETURNS)
    @blp.arguments(PeriodSchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query: dict[str, Any]) -> Response:
        """Download Ofsted Annex A List 1 (contacts) as CSV: one row per child per contact."""
        return _annex_a(self, "contacts", query)


@blp.route("/annex-a/early-help")
class AnnexAEarlyHelp(Resource):
    @requires(Permission.DOWNLOAD_RETURNS)
    @blp.arguments(PeriodSchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query: dict[str, Any]) -> Response:
        """Download Ofsted Annex A List 2 (early help) as CSV: one row per child decided for early help."""
        return _annex_a(self, "early-help", query)


@blp.route("/annex-a/referrals")
class AnnexAReferrals(Resource):
    @requires(Permission.DOWNLOAD_RETURNS)
    @blp.arguments(PeriodSchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query: dict[str, Any]) -> Response:
        """Download Ofsted Annex A List 3 (referrals) as CSV: one row per child per referral."""
        return _annex_a(self, "referrals", query)
