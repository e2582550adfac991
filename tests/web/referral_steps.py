"""Fill in the referral form through a signed-in test client, page by page, as the browser would post it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.web.conftest import csrf_token

ABOUT = {"name": "Dee Lead", "role": "Designated safeguarding lead", "phone": "020 7946 0123", "email": ""}
CHILD = {
    "first_name": "Amira",
    "last_name": "Khan",
    "born": "yes",
    "dob-day": "2",
    "dob-month": "4",
    "dob-year": "2019",
    "gender": "female",
    "nhs_number": "943 476 5919",
    "line_1": "12 Acre Lane",
    "line_2": "Flat 3",
    "town": "London",
    "postcode": "SW2 5SG",
    "school_or_setting": "Brixton Hill Primary",
    "ethnicity": "ABAN",
    "first_language": "English",
    "disability": "no",
}
ADULT = {"first_name": "Sara", "last_name": "Khan", "relationship": "mother", "lives_with_child": "yes"}
WORDS = {
    "summary": "Amira told her teacher that her mother's partner hit her mother with a belt last night.",
    "worries": "Amira may be hurt if it happens again.",
    "strengths": "Amira's mother brings her to school every day.",
    "needs": "Someone should talk to Amira's mother today.",
}


def post_page(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    """Post one page of the form with the CSRF token from the page itself."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def start(client: FlaskClient) -> str:
    """Answer no to immediate danger and return the draft's address."""
    response = client.post(
        "/referrals/new", data={"immediate_danger": "no", "csrf_token": csrf_token(client, "/referrals/new")}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.match(r"(/referrals/new/[^/]+)/about-you$", response.headers["Location"])
    assert found
    return found.group(1)


def fill(client: FlaskClient, about: dict[str, str] | None = None, children: list[dict[str, str]] | None = None) -> str:
    """Fill every page of the form and return the draft's address, ready to check and send."""
    base = start(client)
    assert post_page(client, f"{base}/about-you", about or ABOUT).status_code == 302
    for n, child in enumerate(children or [CHILD]):
        assert post_page(client, f"{base}/children/{n}", child).status_code == 302
    assert post_page(client, f"{base}/children", {"add_another": "no"}).status_code == 302
    assert post_page(client, f"{base}/adults", {"add_adult": "yes"}).status_code == 302
    assert post_page(client, f"{base}/adults/0", ADULT).status_code == 302
    assert post_page(client, f"{base}/adults", {"add_adult": "no"}).status_code == 302
    assert (
        post_page(client, f"{base}/concerns", {"categories": ["domestic_abuse", "physical_abuse"]}).status_code == 302
    )
    facts = {"disclosure_by_child": "yes", "injury": "no", "weapon_or_strangulation": "yes"}
    assert post_page(client, f"{base}/facts", facts).status_code == 302
    assert post_page(client, f"{base}/worries", WORDS).status_code == 302
    consent = {"status": "not_sought", "reason": "Asking the mother first could put Amira at risk."}
    assert post_page(client, f"{base}/consent", consent).status_code == 302
    return base


def as_json(children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the same referral as a partner system would post it."""
    return {
        "referrer": {"name": "Dee Lead", "role": "Designated safeguarding lead", "phone": "020 7946 0123"},
        "children": children
        or [
            {
                "first_name": "Amira",
                "last_name": "Khan",
                "date_of_birth": "2019-04-02",
                "gender": "female",
                "nhs_number": "9434765919",
                "address": {"line_1": "12 Acre Lane", "line_2": "Flat 3", "town": "London", "postcode": "SW2 5SG"},
                "school_or_setting": "Brixton Hill Primary",
                "ethnicity": "ABAN",
                "first_language": "English",
                "disability": False,
            }
        ],
        "adults": [{"first_name": "Sara", "last_name": "Khan", "relationship": "mother", "lives_with_child": True}],
        "concerns": {
            "categories": ["physical_abuse", "domestic_abuse"],
            "indicators": ["disclosure_by_child", "weapon_or_strangulation"],
            **WORDS,
        },
        "consent": {"status": "not_sought", "reason": "Asking the mother first could put Amira at risk."},
    }
