"""Partners follow their own contacts: list them, find one by their own reference, add information to it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.api.helpers import GREEN, URL, contact, post_contact, post_json
from tests.conftest import count_rows


def _page(client: FlaskClient, headers: dict[str, str], query: str = "") -> Any:
    response = client.get(URL + query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_partner_lists_only_its_own_organisations_contacts_newest_first(
    client: FlaskClient, partner, other_partner, screener
) -> None:
    first = post_contact(client, partner, contact("CAD 1", **GREEN))
    second = post_contact(client, partner, contact("CAD 2", **GREEN))
    theirs = contact("SCH 1", **GREEN)
    theirs["referrer"]["agency_type"] = "school"
    post_contact(client, other_partner, theirs)
    page = _page(client, partner)
    assert [item["id"] for item in page["items"]] == [second, first]
    assert set(page["items"][0]) == {"id", "reference", "status", "received_at", "external_reference", "feedback"}
    assert page["items"][0]["external_reference"] == "CAD 2"
    assert len(_page(client, screener)["items"]) == 3
    hidden = client.get(f"/api/v1/contacts/{first}", headers=other_partner)
    assert (hidden.status_code, hidden.get_json()["detail"]) == (404, f"No contact {first} that you may see.")


def test_a_partner_pages_through_its_contacts_with_a_cursor(client: FlaskClient, partner) -> None:
    made = [post_contact(client, partner, contact(f"CAD {n}", **GREEN)) for n in range(3)]
    first = _page(client, partner, "?limit=2")
    rest = _page(client, partner, f"?limit=2&cursor={first['next_cursor']}")
    assert [i["id"] for i in first["items"] + rest["items"]] == made[::-1]
    assert rest["next_cursor"] is None


def test_contacts_received_at_the_same_moment_are_paged_by_id_each_once(
    app: Flask, client: FlaskClient, partner
) -> None:
    made = [post_contact(client, partner, contact(f"CAD {n}", **GREEN)) for n in range(4)]
    with app.extensions["mash.engine"].begin() as conn:
        moment = conn.execute(text("SELECT received_at FROM contacts WHERE id = :id"), {"id": made[0]}).scalar_one()
        conn.execute(text("UPDATE contacts SET received_at = :moment"), {"moment": moment})
    seen: list[str] = []
    cursor = ""
    for _ in made:
        page = _page(client, partner, f"?limit=1{cursor}")
        seen += [i["id"] for i in page["items"]]
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == sorted(made, reverse=True)
    assert page["next_cursor"] is None


def test_a_partner_finds_a_contact_by_its_own_reference(client: FlaskClient, partner, other_partner) -> None:
    post_contact(client, partner, contact("CAD 7", **GREEN))
    wanted = post_contact(client, partner, contact("CAD 8", **GREEN))
    assert [i["id"] for i in _page(client, partner, "?external_reference=CAD%208")["items"]] == [wanted]
    assert _page(client, other_partner, "?external_reference=CAD%208")["items"] == []


def test_a_partner_lists_its_contacts_by_status(client: FlaskClient, partner, other_partner, screener) -> None:
    waiting = post_contact(client, partner, contact("CAD 3", **GREEN))
    decided = post_contact(client, partner, contact("CAD 4", **GREEN))
    decision = {"outcome": "assessment", "rag": "amber", "rationale": "Needs a s17 assessment."}
    assert post_json(client, f"{URL}/{decided}/decision", screener, decision).status_code == 201
    assert [i["id"] for i in _page(client, partner, "?status=decided")["items"]] == [decided]
    assert [i["id"] for i in _page(client, partner, "?status=awaiting_decision")["items"]] == [waiting]
    assert _page(client, other_partner, "?status=decided")["items"] == []


def test_a_partner_lists_the_contacts_received_from_one_time_and_before_another(client: FlaskClient, partner) -> None:
    made = [post_contact(client, partner, contact(f"CAD {n}", **GREEN)) for n in range(3)]
    received = {i["id"]: i["received_at"] for i in _page(client, partner)["items"]}
    middle = quote(received[made[1]])
    assert [i["id"] for i in _page(client, partner, f"?received_from={middle}")["items"]] == [made[2], made[1]]
    assert [i["id"] for i in _page(client, partner, f"?received_to={middle}")["items"]] == [made[0]]


def test_the_agency_type_comes_from_the_account(client: FlaskClient, partner, screener) -> None:
    body = contact("CAD 9", **GREEN)
    body["referrer"]["agency_type"] = "school"
    refused = post_json(client, URL, partner, body)
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert list(refused.get_json()["errors"]) == ["referrer.agency_type"]
    del body["referrer"]["agency_type"]
    del body["referrer"]["organisation"]
    made = post_contact(client, partner, body)
    staff = client.get(f"{URL}/{made}", headers=screener).get_json()
    assert staff["referrer"]["agency_type"] == "police" and staff["source_code"] == "6"
    assert staff["referrer"]["organisation"] == "Metropolitan Police"
    assert staff["submitted_by_organisation"] == "Metropolitan Police"


def test_staff_still_name_the_agency_type(client: FlaskClient, screener) -> None:
    body = contact("PHONE 1", **GREEN)
    del body["referrer"]["agency_type"]
    refused = post_json(client, URL, screener, body)
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["referrer.agency_type"]


def test_added_information_is_kept_audited_and_screened_again(
    app: Flask, client: FlaskClient, partner, screener, manager
) -> None:
    made = post_contact(client, partner, contact("CAD 10", **GREEN))
    before = client.get(f"{URL}/{made}", headers=screener).get_json()
    assert before["recommendation"]["rag"] == "green"
    text = "Father came back to the house last night and threatened mother with a knife."
    added = post_json(
        client, f"{URL}/{made}/information", partner, {"text": text, "indicators": ["weapon_or_strangulation"]}
    )
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["text"] == text and added.get_json()["role"] == "partner"
    after = client.get(f"{URL}/{made}", headers=screener).get_json()
    assert [i["text"] for i in after["information"]] == [text]
    assert after["concerns"]["indicators"] == before["concerns"]["indicators"]
    assert after["recommendation"]["rag"] == "red"
    assert after["recommendation"]["screened_at"] > before["recommendation"]["screened_at"]
    history = client.get(f"{URL}/{made}/access-history", headers=manager).get_json()
    assert "contact.information" in {event["action"] for event in history["items"]}
    assert count_rows(app, "contact_information") == {"contact_information": 1}


def test_another_organisation_cannot_add_information(client: FlaskClient, partner, other_partner, app) -> None:
    made = post_contact(client, partner, contact("CAD 11", **GREEN))
    refused = post_json(client, f"{URL}/{made}/information", other_partner, {"text": "Something else."})
    assert refused.status_code == 404
    assert count_rows(app, "contact_information") == {"contact_information": 0}


def test_information_needs_words_and_known_indicators(client: FlaskClient, partner) -> None:
    made = post_contact(client, partner, contact("CAD 12", **GREEN))
    refused = post_json(client, f"{URL}/{made}/information", partner, {"text": "  ", "indicators": ["nonsense"]})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"text", "indicators.0"}


def test_information_added_after_the_decision_opens_a_new_contact_a_screener_sees(
    app: Flask, client: FlaskClient, partner, screener
) -> None:
    made = post_contact(client, partner, contact("CAD 13", **GREEN))
    decided = post_json(
        client,
        f"{URL}/{made}/decision",
        screener,
        {"outcome": "signpost", "rag": "green", "rationale": "Universal services are enough."},
    )
    assert decided.status_code == 201, decided.get_json()
    text = "Father came back to the house last night and threatened mother with a knife."
    added = post_json(
        client, f"{URL}/{made}/information", partner, {"text": text, "indicators": ["weapon_or_strangulation"]}
    )
    assert added.status_code == 201, added.get_json()
    follow_on = added.get_json()["follow_on"]
    assert follow_on["reference"].startswith("MASH-") and follow_on["id"] != made

    earlier = client.get(f"{URL}/{made}", headers=screener).get_json()
    assert earlier["status"] == "decided" and earlier["decision"]["outcome"] == "signpost"
    assert [i["text"] for i in earlier["information"]] == [text]

    new = client.get(f"{URL}/{follow_on['id']}", headers=screener).get_json()
    assert new["reference"] == follow_on["reference"]
    assert new["status"] == "awaiting_decision"
    assert new["concerns"]["summary"] == (
        f"Information added to {earlier['reference']} after its decision: {text}\n\n"
        f"The referral it adds to said: {earlier['concerns']['summary']}"
    )
    assert new["concerns"]["indicators"] == [*earlier["concerns"]["indicators"], "weapon_or_strangulation"]
    assert new["concerns"]["worries"] == earlier["concerns"]["worries"]
    assert new["concerns"]["categories"] == earlier["concerns"]["categories"]
    assert new["referrer"] == earlier["referrer"]
    assert [(c["first_name"], c["last_name"], c["date_of_birth"]) for c in new["children"]] == [
        (c["first_name"], c["last_name"], c["date_of_birth"]) for c in earlier["children"]
    ]
    assert new["recommendation"]["rag"] == "red", new["recommendation"]["reasons"]
    assert new["recommendation"]["reasons"][0]["rule"] == "da-high-risk"
    assert {m["contact_id"] for m in new["children"][0]["matches"]} == {made}
    queue = client.get("/api/v1/queue", headers=screener).get_json()["items"]
    assert [item["id"] for item in queue] == [follow_on["id"]]
    own = _page(client, partner)["items"]
    assert [item["id"] for item in own] == [follow_on["id"], made]


def test_information_added_before_the_decision_opens_no_new_contact(client: FlaskClient, partner) -> None:
    made = post_contact(client, partner, contact("CAD 14", **GREEN))
    added = post_json(client, f"{URL}/{made}/information", partner, {"text": "Mother has asked for help."})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["follow_on"] is None
    assert [item["id"] for item in _page(client, partner)["items"]] == [made]
