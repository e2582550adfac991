"""Quality audits: a reproducible stratified sample of a month's decisions, graded by managers, in the figures."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from mash.models import Contact, Decision, QualityAudit
from mash.services.reports.period import local_date
from mash.services.reports.synthetic import generate
from mash.settings import Settings
from tests.cli import mash_on

SAMPLES = "/api/v1/reports/quality/samples"


def strata_of_october(app: Flask) -> Counter[str]:
    """Work out the month's strata from the latest decision of each contact decided in October (UTC+1 until 26th)."""
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            select(Decision.contact_id, Decision.decided_at, Decision.outcome, Decision.rag, Decision.override)
            .join(Contact, Contact.id == Decision.contact_id)
            .order_by(Decision.decided_at)
        ).all()
    latest = {row.contact_id: row for row in rows}
    counts: Counter[str] = Counter()
    for row in latest.values():
        if local_date(row.decided_at).strftime("%Y-%m") == "2026-10":
            counts[f"{row.outcome}/{row.rag}/{'override' if row.override else 'agreed'}"] += 1
    return counts


def test_a_month_is_sampled_by_stratum_graded_and_counted(
    app: Flask, client: FlaskClient, manager: dict[str, str], screener: dict[str, str], settings: Settings
) -> None:
    session = app.extensions["mash.sessionmaker"]()
    generate(session, date(2026, 10, 1), months=1, per_month=300, seed=4)
    session.close()
    strata = strata_of_october(app)
    assert client.post(SAMPLES, json={"month": "2026-10", "size": 30}, headers=screener).status_code == 403
    drawn = client.post(SAMPLES, json={"month": "2026-10", "size": 30, "seed": 7}, headers=manager)
    assert drawn.status_code == 201, drawn.get_json()
    sample = drawn.get_json()
    assert len(sample) == 30
    got = Counter(item["stratum"] for item in sample)
    assert set(got) == set(strata) if len(strata) <= 30 else set(got) <= set(strata)
    assert all(got[key] <= strata[key] for key in got)
    assert any(key.endswith("/override") for key in got)
    assert client.post(SAMPLES, json={"month": "2026-10", "seed": 7}, headers=manager).status_code == 409

    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(delete(QualityAudit))
    again = mash_on(settings, "qa", "sample", "--month", "2026-10", "--size", "30", "--seed", "7")
    assert again.returncode == 0, again.stderr
    assert {line.split()[-1] for line in again.stdout.splitlines()[1:]} == {item["contact_id"] for item in sample}

    listed = client.get(f"{SAMPLES}/2026-10", headers=manager).get_json()
    first = listed[0]["id"]
    bad = client.put(
        f"/api/v1/reports/quality/audits/{first}", json={"grade": "poor", "findings": "x"}, headers=manager
    )
    assert bad.status_code == 422 and "grade" in bad.get_json()["errors"]
    graded = client.put(
        f"/api/v1/reports/quality/audits/{first}",
        json={"grade": "inadequate", "findings": "Threshold not applied; no management oversight."},
        headers=manager,
    )
    assert graded.status_code == 200 and graded.get_json()["grade"] == "inadequate"
    client.put(
        f"/api/v1/reports/quality/audits/{listed[1]['id']}",
        json={"grade": "good", "findings": "Clear."},
        headers=manager,
    )
    figures = client.get("/api/v1/reports/front-door?from=2026-10-01&to=2026-10-31", headers=manager).get_json()
    assert figures["quality"]["by_month"] == [
        {"month": "2026-10", "good": 1, "requires_improvement": 0, "inadequate": 1, "not_graded": 28}
    ]
    assert figures["quality"]["inadequate"] == [
        {"month": "2026-10", "contact_id": listed[0]["contact_id"], "reference": listed[0]["reference"]}
    ]


def test_another_seed_draws_another_sample(app: Flask, settings: Settings) -> None:
    session = app.extensions["mash.sessionmaker"]()
    generate(session, date(2026, 10, 1), months=1, per_month=300, seed=4)
    session.close()
    first = mash_on(settings, "qa", "sample", "--month", "2026-10", "--size", "10", "--seed", "1")
    assert first.returncode == 0, first.stderr
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(delete(QualityAudit))
    second = mash_on(settings, "qa", "sample", "--month", "2026-10", "--size", "10", "--seed", "2")
    assert first.stdout != second.stdout
    assert mash_on(settings, "qa", "sample", "--month", "2026-13").returncode != 0


def test_a_month_not_yet_over_is_not_sampled(client: FlaskClient, manager: dict[str, str]) -> None:
    this_month = local_date(datetime.now(UTC)).strftime("%Y-%m")
    refused = client.post(SAMPLES, json={"month": this_month, "size": 5}, headers=manager)
    assert refused.status_code == 422 and "month" in refused.get_json()["errors"]


def test_grades_are_counted_in_the_months_of_the_period_in_england(
    app: Flask, client: FlaskClient, manager: dict[str, str]
) -> None:
    # June 2026 starts at 23:00 UTC on 31 May: a June period must not count May's audits.
    session = app.extensions["mash.sessionmaker"]()
    generate(session, date(2026, 5, 1), months=1, per_month=60, seed=5)
    session.close()
    drawn = client.post(SAMPLES, json={"month": "2026-05", "size": 3}, headers=manager).get_json()
    client.put(
        f"/api/v1/reports/quality/audits/{drawn[0]['id']}",
        json={"grade": "good", "findings": "Clear."},
        headers=manager,
    )
    june = client.get("/api/v1/reports/front-door?from=2026-06-01&to=2026-06-30", headers=manager).get_json()
    may = client.get("/api/v1/reports/front-door?from=2026-05-01&to=2026-05-31", headers=manager).get_json()
    assert june["quality"]["by_month"] == []
    assert may["quality"]["by_month"] == [
        {"month": "2026-05", "good": 1, "requires_improvement": 0, "inadequate": 0, "not_graded": 2}
    ]
