"""The managers' performance dashboard: charts with their data as tables and CSV, a period picker, quality audits."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, ConsoleMessage

from mash.services.reports.period import ENGLAND
from mash.services.reports.synthetic import generate
from tests.web.browser import Visitor
from tests.web.conftest import Person, make_person, post_form, sign_in

PERIOD = "from=2026-11-01&to=2026-11-30"
CHARTS = (
    "weekly-contacts",
    "timeliness",
    "decision-hours",
    "outcomes",
    "queue",
    "checks",
    "teams",
    "overrides",
    "quality",
)


def november(app: Flask) -> None:
    session = app.extensions["mash.sessionmaker"]()
    generate(session, date(2026, 11, 1), months=1, per_month=240, seed=11)
    session.close()


def last_month(app: Flask) -> tuple[str, str, str]:
    """Generate the decisions of the last month that has ended (the month a manager samples); return its period
    for the address, the month as 2026-10 and its name as the page writes it."""
    first = (datetime.now(UTC).astimezone(ENGLAND).date().replace(day=1) - timedelta(days=1)).replace(day=1)
    session = app.extensions["mash.sessionmaker"]()
    generate(session, first, months=1, per_month=240, seed=11)
    session.close()
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return f"from={first}&to={last}", first.strftime("%Y-%m"), first.strftime("%B %Y")


def test_every_chart_has_its_table_and_csv_matching_the_figures(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    november(app)
    manager = person("manager")
    sign_in(client, manager)
    page = client.get(f"/reports?{PERIOD}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == len(CHARTS) and html.count('<table class="govuk-table">') >= len(CHARTS)
    for key in CHARTS:
        assert f'id="figure-{key}"' in html
    figures = client.get(f"/api/v1/reports/front-door?{PERIOD}", headers=manager.headers).get_json()
    weekly = client.get(f"/reports/weekly-contacts.csv?{PERIOD}")
    assert weekly.mimetype == "text/csv" and weekly.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(weekly.get_data(as_text=True))))
    assert rows[0][1:] == ["Individuals", "Education", "Health", "Housing", "Council", "Police", "Other"]
    assert [row[0] for row in rows[1:]] == [w["week_starting"] for w in figures["contacts"]["by_week"]]
    assert sum(int(value) for row in rows[1:] for value in row[1:]) == figures["contacts"]["total"] == 240
    outcomes = list(csv.reader(io.StringIO(client.get(f"/reports/outcomes.csv?{PERIOD}").get_data(as_text=True))))
    assert sum(int(row[1]) for row in outcomes[1:]) == figures["outcomes"]["conversion"]["decided"]
    assert client.get(f"/reports/nothing.csv?{PERIOD}").status_code == 404


def test_the_period_picker_explains_a_bad_date(app: Flask, client: FlaskClient, person: Callable[..., Person]) -> None:
    sign_in(client, person("manager"))
    html = client.get("/reports?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026").get_data(
        as_text=True
    )
    assert "There is a problem" in html and "Enter the first day as a real date" in html
    backwards = client.get("/reports?from=2026-03-01&to=2026-02-01").get_data(as_text=True)
    assert "Choose a last day after the first" in backwards


def test_only_managers_and_administrators_see_it(client: FlaskClient, person: Callable[..., Person]) -> None:
    sign_in(client, person("screener"))
    assert client.get("/reports").status_code == 403


def test_a_manager_draws_the_sample_and_grades_a_decision(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    period, month, month_words = last_month(app)
    sign_in(client, person("manager"))
    this_month = datetime.now(UTC).astimezone(ENGLAND).strftime("%Y-%m")
    post_form(client, "/reports/quality/sample", {"month": this_month}, "/reports")
    html = client.get("/reports").get_data(as_text=True)
    assert f"{this_month} is not over yet" in html and f"Draw the sample for {month_words}" in html
    post_form(client, "/reports/quality/sample", {"month": month}, "/reports")
    html = client.get("/reports").get_data(as_text=True)
    links = re.findall(r'href="(/reports/quality/[0-9a-f-]+)"', html)
    assert len(links) == 20
    refused = post_form(client, links[0], {"grade": "", "findings": ""}, links[0])
    assert "Choose a grade" in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    post_form(client, links[0], {"grade": "inadequate", "findings": "No rationale for the RAG."}, links[0])
    html = client.get(f"/reports?{period}").get_data(as_text=True)
    assert "Decisions graded inadequate" in html and "Not graded yet" in html


def test_the_dashboard_in_a_browser_has_no_console_errors_and_passes_axe(
    live: tuple[Flask, str], browser: Browser
) -> None:
    app, base = live
    period, _, month_words = last_month(app)
    manager = make_person(app)("manager", "Mina Manager")
    errors: list[str] = []
    visitor = Visitor(browser, base, "reports")
    visitor.page.on("console", lambda message: _console(message, errors))
    visitor.page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        visitor.sign_in(manager.email, manager.password)
        visitor.go(f"/reports?{period}", "dashboard")
        visitor.page.get_by_role("button", name=f"Draw the sample for {month_words}").click()
        visitor.check("sample drawn")
        visitor.page.locator("a[href^='/reports/quality/']").first.click()
        visitor.check("audit form")
        visitor.page.get_by_label("Requires improvement").check()
        visitor.page.get_by_label("Findings").fill("Consent not recorded before the police check.")
        visitor.page.get_by_role("button", name="Record grade").click()
        visitor.check("graded")
        visitor.page.get_by_text("Show the data as a table").first.click()
        visitor.check("table shown")
    finally:
        visitor.close()
    assert errors == []


def _console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(f"{message.text} ({message.location.get('url')})")
