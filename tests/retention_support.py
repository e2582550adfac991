"""Building decided contacts of a given age, and searching the whole database for what is left of one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from mash.db import Base
from mash.models import Decision
from mash.services.users import create_user
from tests.api.helpers import child, contact, post_contact, post_json

KEPT_BY_DESIGN = ("audit_events", "retention_review_items")  # the audit trail and the destruction register: ids only


def decided(
    client: FlaskClient,
    partner: dict[str, str],
    manager: dict[str, str],
    ref: str,
    first: str,
    last: str,
    *,
    born: str = "2019-04-02",
    outcome: str = "nfa",
    categories: tuple[str, ...] = ("neglect",),
) -> dict[str, Any]:
    """Submit a contact about one child and decide it; return the contact as the manager reads it."""
    contact_id = post_contact(
        client, partner, contact(ref, categories=list(categories), children=[child(first, last, born)])
    )
    body = {"outcome": outcome, "rag": "green", "rationale": "Decided for the retention tests."}
    answer = post_json(client, f"/api/v1/contacts/{contact_id}/decision", manager, body)
    assert answer.status_code == 201, answer.get_json()
    return dict(client.get(f"/api/v1/contacts/{contact_id}", headers=manager).get_json())


def decided_years_ago(app: Flask, contact_id: str, years: int) -> datetime:
    """Move a contact's decisions `years` years (and a day) into the past; return when they now were."""
    when = datetime.now(UTC) - timedelta(days=365 * years + years // 4 + 2)
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(update(Decision).where(Decision.contact_id == contact_id).values(decided_at=when))
    return when


def staff_account(app: Flask, name: str = "Rita Records", email: str = "records@council.example") -> str:
    """Create the administrator who authorises holds and destruction; return their email."""
    session = app.extensions["mash.sessionmaker"]()
    try:
        create_user(session, name, "admin", email=email)
    finally:
        session.close()
    return email


def tables_naming(app: Flask, *needles: str, skip: tuple[str, ...] = KEPT_BY_DESIGN) -> dict[str, int]:
    """Count, in every table but those skipped, the rows with any cell containing any of the needles."""
    found: dict[str, int] = {}
    with app.extensions["mash.engine"].connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = conn.execute(select(table)).all()
            hits = sum(1 for row in rows if any(n in json.dumps([str(v) for v in row]) for n in needles))
            if hits:
                found[table.name] = hits
    return found
