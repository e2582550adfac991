"""The managers' performance dashboard: charts drawn on the server, their data as tables and CSV, quality audits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as Redirect

from mash.db import get_session, utcnow
from mash.enums import QA_GRADES
from mash.problems import NotFound, Problem
from mash.services.callers import Permission
from mash.services.reports import quality
from mash.services.reports.annex_a import write_csv
from mash.services.reports.figures import Rules, front_door
from mash.services.reports.period import Period, local_date, period
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp
from mash.web.report_charts import charts

DEFAULT_WEEKS = 12
MAX_DAYS = 400
GRADE_WORDS = {"good": "Good", "requires_improvement": "Requires improvement", "inadequate": "Inadequate"}


def _day(prefix: str) -> date | None:
    """Read a date from day, month and year fields, or from one ISO field (the CSV links)."""
    args = request.args
    if args.get(prefix):
        try:
            return date.fromisoformat(args[prefix])
        except ValueError:
            return None
    try:
        return date(
            int(args.get(f"{prefix}-year", "")),
            int(args.get(f"{prefix}-month", "")),
            int(args.get(f"{prefix}-day", "")),
        )
    except ValueError:
        return None


def _period() -> tuple[Period, date, date, list[dict[str, str]]]:
    today = local_date(utcnow())
    first, last, errors = _day("from"), _day("to"), []
    asked = any(key.startswith(("from", "to")) for key in request.args)
    if asked and first is None:
        errors.append({"text": "Enter the first day as a real date, for example 1 11 2026", "href": "#from-day"})
    if asked and last is None:
        errors.append({"text": "Enter the last day as a real date, for example 30 11 2026", "href": "#to-day"})
    first = first or today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
    last = last or today
    if not errors and (last < first or (last - first).days >= MAX_DAYS):
        errors.append({"text": f"Choose a last day after the first, at most {MAX_DAYS} days later", "href": "#to-day"})
    if errors:
        first, last = today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), today
    return period(first, last), first, last, errors


def _figures(span: Period) -> dict[str, Any]:
    settings = current_app.config["MASH_SETTINGS"]
    rules = Rules(settings.decision_timescales, settings.caseload_cap, utcnow())
    return front_door(get_session(), current_caller(), span, rules)


def last_month() -> str:
    """Return the last month that has ended, as 2026-10: the month whose decisions are sampled for audit."""
    return (local_date(utcnow()).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@bp.get("/reports", endpoint="reports")
@page(Permission.DOWNLOAD_RETURNS)
def dashboard() -> str:
    """Show the performance dashboard for a period (the last twelve weeks unless another is chosen)."""
    span, first, last, errors = _period()
    figures = _figures(span)
    month = last_month()
    caller = current_caller()
    sample = quality.sample(get_session(), caller, month) if caller.may(Permission.READ_QUALITY) else []
    return render_template(
        "reports/dashboard.html",
        figures=figures,
        charts=charts(figures),
        first=first,
        last=last,
        errors=errors,
        month=month,
        month_words=date.fromisoformat(f"{month}-01").strftime("%B %Y"),
        sample_size=quality.DEFAULT_SIZE,
        sample=sample,
        grade_words=GRADE_WORDS,
    )


@bp.get("/reports/<key>.csv", endpoint="report_csv")
@page(Permission.DOWNLOAD_RETURNS)
def figure_csv(key: str) -> Response:
    """Download one chart's data as CSV."""
    span, first, last, _ = _period()
    found = next((chart for chart in charts(_figures(span)) if chart.key == key), None)
    if found is None:
        abort(404)
    name = f"{key}-{first.isoformat()}-to-{last.isoformat()}.csv"
    return Response(
        write_csv(found.rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.post("/reports/quality/sample", endpoint="report_sample")
@page(Permission.AUDIT_QUALITY)
def draw_sample() -> Redirect:
    """Draw this month's quality audit sample."""
    month = request.form.get("month", "")
    try:
        drawn = quality.draw_sample(get_session(), current_caller(), month, quality.DEFAULT_SIZE, 0)
    except Problem as problem:
        flash(problem.detail, "error:month")
    else:
        flash(f"{len(drawn)} decisions drawn for audit", "success")
    return redirect(url_for("web.reports") + "#quality")


@bp.route("/reports/quality/<audit_id>", methods=["GET", "POST"], endpoint="report_audit")
@page(Permission.AUDIT_QUALITY)
def audit_form(audit_id: str) -> Any:
    """Grade one sampled decision with findings."""
    session, caller, form = get_session(), current_caller(), request.form
    try:
        found = quality.one(session, caller, audit_id)
    except NotFound:
        abort(404)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.get("grade") not in QA_GRADES:
            errors.append({"text": "Choose a grade", "href": "#grade"})
        if not form.get("findings", "").strip():
            errors.append({"text": "Enter the findings", "href": "#findings"})
        if not errors:
            quality.grade(session, caller, audit_id, form["grade"], form["findings"])
            flash(f"Grade recorded for {found['reference']}", "success")
            return redirect(url_for("web.reports") + "#quality")
    return render_template("reports/audit.html", audit=found, errors=errors, form=form, grade_words=GRADE_WORDS)
