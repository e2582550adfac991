"""The staff pages on the embedded default: the queue with 500 contacts waiting, and a contact of 5 children each
with 20 earlier contacts, against a bare floor (Flask rendering a GOV.UK template after one SQLite SELECT).

Run from the repository root: `.venv/bin/python benchmarks/web_pages.py [--requests N]`. Everything is in-process
on a fresh SQLite file (WAL) in a temporary folder, jobs in-process, no Redis: the contacts are submitted through
the API as a partner (so each is screened and matched as in service), then a screener signs in through the form
and each page is requested N times in a row through Flask's test client after a short warm-up. Times are the
whole request: session, audit writes, queries and rendering. Prints a table and writes
benchmarks/results/web_pages.json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import environment_report, load_average, print_table, write_results
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import text

from mash import migrations
from mash.app import create_app
from mash.db import make_engine
from mash.services import accounts, organisations
from mash.services.users import create_user
from mash.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((REPO / "tests" / "data" / "contract_example.json").read_text(encoding="utf-8"))
QUEUE = 500
CHILDREN = 5
EARLIER = 20
TARGET_MS = 150
FLOOR_TEMPLATE = """{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}
<!DOCTYPE html><html lang="en"><body>{{ govukTable({'caption': 'Rows', 'rows': rows}) }}</body></html>"""


def _body(ref: str, children: list[dict[str, Any]], categories: list[str], indicators: list[str]) -> str:
    body = json.loads(json.dumps(EXAMPLE))
    body["referrer"]["external_reference"] = ref
    body["children"] = children
    body["concerns"]["categories"] = categories
    body["concerns"]["indicators"] = indicators
    return json.dumps(body)


def _child(n: int, surname: str, year: int) -> dict[str, Any]:
    return {
        "first_name": ("Amira", "Oliver", "Zofia", "Leo", "Priya", "Noah")[n % 6],
        "last_name": surname,
        "date_of_birth": f"{year}-0{(n % 9) + 1}-1{n % 10}",
        "gender": "female",
    }


def _people(app: Flask) -> tuple[str, str, str]:
    session = app.extensions["mash.sessionmaker"]()
    organisations.add(session, "Bench Police", "police")
    _, partner = create_user(session, "PC Bench", "partner", "Bench Police", "police")
    create_user(session, "Bench Screener", "screener", email="bench@council.example")
    accounts.set_password(session, "bench@council.example", "bench screener password")
    session.close()
    return partner, "bench@council.example", "bench screener password"


def _seed(app: Flask, partner: str) -> str:
    """Submit the contacts, each read whole and closed as a server would, so its screening runs before the next."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {partner}", "Content-Type": "application/json"}
    family = [_child(n, "Kowalski", 2012 + n) for n in range(CHILDREN)]
    for n in range(EARLIER):
        response = client.post(
            "/api/v1/contacts", data=_body(f"E{n}", family, ["neglect"], []), headers=headers, buffered=True
        )
        assert response.status_code == 201, response.get_json()
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(text("UPDATE contacts SET status = 'closed'"))
    focus = client.post(
        "/api/v1/contacts",
        data=_body("FOCUS", family, ["domestic_abuse"], ["weapon_or_strangulation"]),
        headers=headers,
        buffered=True,
    ).get_json()["reference"]
    for n in range(QUEUE - 1):
        kind = (["neglect"], ["private_fostering"], ["domestic_abuse"])[n % 3]
        body = _body(f"Q{n}", [_child(n, f"Queue{n}", 2010 + n % 12)], kind, [])
        assert client.post("/api/v1/contacts", data=body, headers=headers, buffered=True).status_code == 201
    return str(focus)


def _sign_in(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token.group(1)})
    assert client.get("/queue").status_code == 200
    return client


def _floor(database_url: str) -> Flask:
    floor = Flask("floor")
    floor.jinja_loader = ChoiceLoader([PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    engine = make_engine(database_url)

    @floor.get("/")
    def index() -> str:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT reference, status FROM contacts ORDER BY received_at LIMIT 25")).all()
        return render_template_string(
            FLOOR_TEMPLATE, rows=[[{"text": reference}, {"text": status}] for reference, status in rows]
        )

    return floor


def _time(client: FlaskClient, path: str, requests: int) -> dict[str, Any]:
    for _ in range(10):
        assert client.get(path).status_code == 200
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {
        "requests": requests,
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 1),
        "max_ms": round(samples[-1], 1),
    }


def main(argv: list[str]) -> None:
    """Seed, time the pages and the floor, print the table and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    load_before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrations.upgrade(url)
        unlimited = "10000000 per minute"  # one client asks for every page: the limiter still runs, far above it
        app = create_app(
            Settings(
                database_url=url,
                secret_key="bench",
                log_level="WARNING",
                secure_cookies=False,
                rate_limit=unlimited,
                account_rate_limit=unlimited,
            )
        )
        partner, email, password = _people(app)
        seed_started = time.perf_counter()
        focus = _seed(app, partner)
        seeded = time.perf_counter() - seed_started
        client = _sign_in(app, email, password)
        rows = [
            {"page": "floor: Flask + 1 SELECT + GOV.UK table", **_time(_floor(url).test_client(), "/", args.requests)},
            {"page": f"/queue ({QUEUE} waiting)", **_time(client, "/queue", args.requests)},
            {
                "page": f"/contacts/<ref> ({CHILDREN} children x {EARLIER} earlier)",
                **_time(client, f"/contacts/{focus}", args.requests),
            },
        ]
        app.extensions["mash.engine"].dispose()
    for row in rows[1:]:
        row["under_target"] = row["p95_ms"] < TARGET_MS
    columns = [("page", "page"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"), ("p99_ms", "p99 ms"), ("max_ms", "max")]
    print_table(rows, [*columns, ("under_target", f"p95 < {TARGET_MS} ms")])
    print(f"seeded {QUEUE + EARLIER} contacts in {seeded:.1f} s")
    report = {"environment": environment_report(sys.argv, load_before), "target_p95_ms": TARGET_MS, "rows": rows}
    print(f"wrote {write_results('web_pages', report)}")


if __name__ == "__main__":
    main(sys.argv[1:])
