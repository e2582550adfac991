"""The realistic mix `load_mix.py` runs with locust: partners posting contacts and following them, screeners working
the queue and deciding, a manager reading the figures. Not run on its own: `load_mix.py` starts the service, makes
the accounts and passes their tokens, the contact template and the rates in the environment (LOAD_*).

Rates are per hour at Lambeth's busiest hour, times LOAD_MULTIPLIER: about 1,200 contacts a month is 57 a working
day, and a tenth of a day's contacts in one hour is 5.7 an hour. Around each contact the staff read: six screeners
on shift each look at the queue every two minutes and open each contact four times, one decision per contact, a
manager reads the figures every ten minutes, and the referrer checks its list twice per contact.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from _common import ENGLISH_NHS_NUMBERS, fill, slot_values
from locust import HttpUser, constant_throughput, task

CONTACTS_PER_HOUR = 1_200 * 12 / 252 * 0.10  # a tenth of a working day's contacts, at 1,200 a month
SCREENERS = 6
MULTIPLIER = float(os.environ.get("LOAD_MULTIPLIER", "1"))
TEMPLATE = Path(os.environ.get("LOAD_TEMPLATE", "/dev/null")).read_text(encoding="utf-8")
RUN = int(os.environ.get("LOAD_RUN", "0"))
SERIAL = count(ENGLISH_NHS_NUMBERS + RUN * 1_000_000, 3)  # steps of 3: a number whose check digit fails moves on


def _per_second(per_hour: float) -> float:
    return per_hour * MULTIPLIER / 3600


def _headers(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {os.environ[name]}", "Content-Type": "application/json"}


def contact_body() -> str:
    """A 3 KB contact about a new child: a unique reference and NHS number (a block of a million per run); names and
    dates of birth repeat, as `intake.py`'s do."""
    values, _ = slot_values(f"LOAD-{RUN}", next(SERIAL))
    return fill(TEMPLATE, values)


class PartnerSystem(HttpUser):
    """A police system posting contacts, each with an Idempotency-Key: the first at once, then at the contact rate."""

    fixed_count = 1
    wait_time = constant_throughput(_per_second(CONTACTS_PER_HOUR))

    @task
    def post_contact(self) -> None:
        headers = {**_headers("LOAD_PARTNER_TOKEN"), "Idempotency-Key": str(uuid.uuid4())}
        self.client.post("/api/v1/contacts", data=contact_body(), headers=headers, name="POST /contacts (partner)")


class PartnerReader(HttpUser):
    """The referrer checking the list of its own contacts, twice per contact."""

    fixed_count = 1
    wait_time = constant_throughput(_per_second(CONTACTS_PER_HOUR * 2))

    @task
    def own_list(self) -> None:
        self.client.get("/api/v1/contacts", headers=_headers("LOAD_PARTNER_TOKEN"), name="GET /contacts (partner)")


class Screener(HttpUser):
    """A MASH screener: the queue, the contacts in it, and a decision on one in six looks."""

    fixed_count = SCREENERS
    wait_time = constant_throughput(_per_second((30 * SCREENERS + 5 * CONTACTS_PER_HOUR) / SCREENERS))

    def _queue(self) -> list[dict[str, Any]]:
        with self.client.get(
            "/api/v1/queue", headers=_headers("LOAD_SCREENER_TOKEN"), name="GET /queue", catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"queue answered {answer.status_code}")
                return []
            items: list[dict[str, Any]] = answer.json()["items"]
            return items

    @task(30)
    def look_at_the_queue(self) -> None:
        self._queue()

    @task(4)
    def open_a_contact(self) -> None:
        items = self._queue()
        if items:
            chosen = random.choice(items[:10])
            self.client.get(
                f"/api/v1/contacts/{chosen['id']}", headers=_headers("LOAD_SCREENER_TOKEN"), name="GET /contacts/{id}"
            )

    @task(1)
    def decide(self) -> None:
        screened = [item for item in self._queue() if item.get("recommendation")]
        if not screened:
            return
        chosen = screened[0]
        recommendation = chosen["recommendation"]
        body = {
            "outcome": recommendation["outcome"],
            "rag": recommendation["rag"],
            "rationale": "Agree with the recommendation on the information held (load test).",
        }
        with self.client.post(
            f"/api/v1/contacts/{chosen['id']}/decision",
            data=json.dumps(body),
            headers=_headers("LOAD_SCREENER_TOKEN"),
            name="POST /contacts/{id}/decision",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:  # another screener decided it first: a normal race, not an error
                answer.success()


class Manager(HttpUser):
    """A team manager reading the front door's figures for the last four weeks."""

    fixed_count = 1
    wait_time = constant_throughput(_per_second(6))

    @task
    def figures(self) -> None:
        today = datetime.now(UTC).date()
        query = f"from={(today - timedelta(days=28)).isoformat()}&to={today.isoformat()}"
        self.client.get(
            f"/api/v1/reports/front-door?{query}",
            headers=_headers("LOAD_MANAGER_TOKEN"),
            name="GET /reports/front-door",
        )
