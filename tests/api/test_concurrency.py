"""Concurrent submissions over real HTTP: one key, one contact."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from flask import Flask

from tests.conftest import count_rows
from tests.server import serving


def test_fifty_concurrent_posts_with_one_key_create_one_contact(app: Flask, partner, body: dict[str, Any]) -> None:
    payload = json.dumps(body)
    with serving(app) as base:

        def submit(_: int) -> requests.Response:
            return requests.post(
                f"{base}/api/v1/contacts",
                data=payload,
                headers={**partner, "Content-Type": "application/json", "Idempotency-Key": "storm-1"},
                timeout=30,
            )

        with ThreadPoolExecutor(max_workers=50) as pool:
            responses = list(pool.map(submit, range(50)))

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, statuses
    created = [r.json()["id"] for r in responses if r.status_code == 201]
    assert created and len(set(created)) == 1
    assert sum(1 for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r.headers) == 1
    in_flight = [r.json() for r in responses if r.status_code == 409]
    assert all(p["type"].endswith("idempotency-key-in-flight") for p in in_flight)
    assert count_rows(app, "contacts", "idempotency_records") == {"contacts": 1, "idempotency_records": 1}


def test_concurrent_distinct_contacts_get_distinct_increasing_references(app: Flask, partner, body) -> None:
    def payload(n: int) -> str:
        body["referrer"]["external_reference"] = f"CAD {n}"
        return json.dumps(body)

    payloads = [payload(n) for n in range(20)]
    with serving(app) as base, ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(
            pool.map(
                lambda p: requests.post(
                    f"{base}/api/v1/contacts",
                    data=p,
                    headers={**partner, "Content-Type": "application/json"},
                    timeout=30,
                ),
                payloads,
            )
        )
    assert [r.status_code for r in responses] == [201] * 20
    numbers = sorted(int(r.json()["reference"].rsplit("-", 1)[1]) for r in responses)
    assert numbers == list(range(numbers[0], numbers[0] + 20))
