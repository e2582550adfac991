"""Statutory returns and performance reports."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.db import utcnow
from mash.services.callers import Permission
from mash.services.reports import quality
from mash.services.reports.annex_a import annex_a
from mash.services.reports.figures import Rules, front_door
from mash.services.reports.period import period
from schemas.reports import (
    FrontDoorFiguresSchema,
    GradeSchema,
    PeriodSchema,
    QualityAuditSchema,
    SampleRequestSchema,
)

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


@blp.route("/front-door")
class FrontDoorFigures(Resource):
    @requires(Permission.DOWNLOAD_RETURNS)
    @blp.arguments(PeriodSchema, location="query")
    @blp.response(200, FrontDoorFiguresSchema)
    def get(self, query: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """The managers' figures for a period: intake, timeliness, outcomes, overrides, returns, queue, teams."""
        span = period(query["from_"], query["to"], MAX_DAYS)
        rules = Rules(self.settings.decision_timescales, self.settings.caseload_cap, utcnow())
        return front_door(self.session, self.caller, span, rules), 200, NO_STORE


@blp.route("/quality/samples")
class QualitySamples(Resource):
    @requires(Permission.AUDIT_QUALITY)
    @blp.arguments(SampleRequestSchema)
    @blp.response(201, QualityAuditSchema(many=True))
    def post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Draw a month's stratified random sample of decided contacts for quality audit (managers)."""
        quality.draw_sample(self.session, self.caller, body["month"], body["size"], body["seed"])
        return quality.sample(self.session, self.caller, body["month"])


@blp.route("/quality/samples/<string:month>")
class QualitySample(Resource):
    @requires(Permission.READ_QUALITY)
    @blp.response(200, QualityAuditSchema(many=True))
    def get(self, month: str) -> list[dict[str, Any]]:
        """A month's quality audit sample, with the grades given so far."""
        return quality.sample(self.session, self.caller, month)


@blp.route("/quality/audits/<string:audit_id>")
class QualityAuditGrade(Resource):
    @requires(Permission.AUDIT_QUALITY)
    @blp.arguments(GradeSchema)
    @blp.response(200, QualityAuditSchema)
    def put(self, body: dict[str, Any], audit_id: str) -> dict[str, Any]:
        """Grade a sampled decision (good, requires improvement, inadequate) with findings (managers)."""
        return quality.grade(self.session, self.caller, audit_id, body["grade"], body["findings"])
