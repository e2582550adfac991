"""The operational counters on /metrics, read from the database whichever process did the work."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from tests.api.helpers import AMBER, GREEN, RED, contact, post_contact


def samples(client: FlaskClient, headers: dict[str, str]) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    body = client.get("/metrics", headers=headers).get_data(as_text=True)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def test_received_screened_queue_overdue_partners_and_job_latency(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    ids = [post_contact(client, partner, contact(f"P{n}", **kind)) for n, kind in enumerate((RED, AMBER, GREEN))]
    rags = Counter(
        client.get(f"/api/v1/contacts/{i}", headers=manager).get_json()["recommendation"]["rag"] for i in ids
    )
    found = samples(client, manager)
    assert found[("mash_contacts_received_total", ())] == 3
    assert found[("mash_contacts_screened_total", ())] == 3
    assert found[("mash_screenings_failed_total", ())] == 0
    depth = {rag: found[("mash_queue_depth", (("rag", rag),))] for rag in ("red", "amber", "green")}
    assert depth == {rag: rags[rag] for rag in depth}
    assert sum(found[("mash_decisions_overdue", (("rag", rag),))] for rag in depth) == 0
    with app.extensions["mash.engine"].connect() as conn:
        requested = conn.execute(
            text("SELECT COUNT(*) FROM information_sharing WHERE direction = 'requested'")
        ).scalar()
    partner_total = sum(v for (name, _), v in found.items() if name == "mash_partner_requests_total")
    assert partner_total == requested
    latency = {labels: v for (name, labels), v in found.items() if name == "mash_job_latency_seconds"}
    assert (("job", "screen_contact"), ("quantile", "0.5")) in latency
    assert all(value >= 0 for value in latency.values())
