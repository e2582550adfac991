"""The demonstration data set: what the README promises of it."""

from __future__ import annotations

from flask import Flask

from mash.enums import AGENCY_TYPES
from mash.services.demo import load_demo


def test_the_demo_has_contacts_from_every_one_of_the_22_agency_types(app: Flask) -> None:
    session = app.extensions["mash.sessionmaker"]()
    try:
        result = load_demo(session)
    finally:
        session.close()
    headers = {"Authorization": f"Bearer {result.tokens['screener']}"}
    page = app.test_client().get("/api/v1/contacts?limit=200", headers=headers).get_json()
    seen = {item["agency_type"] for item in page["items"]}
    assert len(AGENCY_TYPES) == 22
    assert seen == set(AGENCY_TYPES)
    assert result.contacts == len(page["items"]) == 46
