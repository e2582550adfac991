"""Use the client generated from the OpenAPI document as an integrator would, fully typed."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import uuid
from pathlib import Path

from mash_client import AuthenticatedClient
from mash_client.api.contacts import get_contacts_by_contact_id, post_contacts
from mash_client.api.reports import get_reports_annex_a_contacts
from mash_client.api.triage import get_queue, post_contacts_by_contact_id_decision
from mash_client.models import (
    ContactCreate,
    ContactCreated,
    ContactPartnerView,
    ContactStaffView,
    DecisionCreate,
    Feedback,
    Problem,
    ProblemErrors,
    QueuePage,
    Recommendation,
)


def main(base_url: str, partner_token: str, screener_token: str, manager_token: str, body_path: str) -> None:
    partner = AuthenticatedClient(base_url=base_url, token=partner_token)
    screener = AuthenticatedClient(base_url=base_url, token=screener_token)
    manager = AuthenticatedClient(base_url=base_url, token=manager_token)
    body = ContactCreate.from_dict(json.loads(Path(body_path).read_text()))
    key = f"client-{uuid.uuid4()}"

    first = post_contacts.sync_detailed(client=partner, body=body, idempotency_key=key)
    assert first.status_code == 201 and isinstance(first.parsed, ContactCreated)
    created: ContactCreated = first.parsed
    again = post_contacts.sync_detailed(client=partner, body=body, idempotency_key=key)
    assert isinstance(again.parsed, ContactCreated) and again.parsed.id == created.id
    assert again.headers.get("Idempotent-Replayed") == "true"

    duplicate = post_contacts.sync_detailed(client=partner, body=body, idempotency_key=f"other-{uuid.uuid4()}")
    assert duplicate.status_code == 409 and isinstance(duplicate.parsed, Problem)
    assert duplicate.parsed.type_ == "/problems/duplicate-contact" and duplicate.parsed.existing_id == created.id

    broken = ContactCreate.from_dict({**body.to_dict(), "children": []})
    invalid = post_contacts.sync_detailed(client=partner, body=broken)
    assert invalid.status_code == 422 and isinstance(invalid.parsed, Problem)
    errors = invalid.parsed.errors
    assert isinstance(errors, ProblemErrors) and "children" in errors.to_dict()

    # Screening runs once the POST's answer has gone: a client reads the contact until it has been screened.
    deadline = time.monotonic() + 60
    while True:
        staff = get_contacts_by_contact_id.sync(client=screener, contact_id=created.id)
        assert isinstance(staff, ContactStaffView)
        if staff.status != "received" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    recommendation = staff.recommendation
    assert isinstance(recommendation, Recommendation)
    rag: str = recommendation.rag
    assert rag in ("red", "amber", "green") and recommendation.level == 4

    queue = get_queue.sync(client=screener)
    assert isinstance(queue, QueuePage) and created.id in [item.id for item in queue.items]

    decided = post_contacts_by_contact_id_decision.sync_detailed(
        client=screener,
        contact_id=created.id,
        body=DecisionCreate.from_dict({"outcome": recommendation.outcome, "rag": rag, "rationale": "Agreed."}),
    )
    assert decided.status_code == 201
    seen = get_contacts_by_contact_id.sync(client=partner, contact_id=created.id)
    assert isinstance(seen, ContactPartnerView) and not isinstance(seen, ContactStaffView)
    feedback = seen.feedback
    assert isinstance(feedback, Feedback) and feedback.outcome == recommendation.outcome

    now = dt.datetime.now(dt.UTC)
    annex = get_reports_annex_a_contacts.sync(
        client=manager, from_=(now - dt.timedelta(days=1)).date().isoformat(), to=now.date().isoformat()
    )
    assert isinstance(annex, str) and annex.startswith("Child Unique ID,")
    print("ok")


if __name__ == "__main__":
    main(*sys.argv[1:6])
