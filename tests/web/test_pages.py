"""The staff pages through a test client: the queue, a contact, a decision, oversight, flags, teams and accounts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from mash.services import organisations
from tests.api.helpers import AMBER, GREEN, RED, child, contact, post_contact, post_json
from tests.conftest import count_rows
from tests.web.conftest import Person, csrf_token, sign_in, submit


def _reference(app: Flask, contact_id: str) -> str:
    with app.extensions["mash.engine"].connect() as conn:
        return str(conn.execute(text("SELECT reference FROM contacts WHERE id = :id"), {"id": contact_id}).scalar())


def _audit(app: Flask, contact_id: str) -> list[str]:
    with app.extensions["mash.engine"].connect() as conn:
        rows = conn.execute(
            text("SELECT action FROM audit_events WHERE contact_id = :id ORDER BY at, action"), {"id": contact_id}
        )
        return [row[0] for row in rows]


def _decide(client: FlaskClient, reference: str, **answers: str) -> Any:
    page = f"/contacts/{reference}/decision"
    data = {"outcome-0": "assessment", "rag": "red", "rationale": "Seen the history.", **answers}
    return submit(client, page, data, page)


def test_the_queue_shows_red_first_with_words_for_rag_and_time(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    post_contact(client, police.headers, contact("G", **GREEN))
    post_contact(client, police.headers, contact("A", **AMBER))
    red = post_contact(client, police.headers, contact("R", **RED))
    sign_in(client, person("screener"))
    page = client.get("/queue").get_data(as_text=True)
    references = re.findall(r'href="/contacts/(MASH-[0-9-]+)"', page)
    assert references[0] == _reference(app, red) and len(references) == 3
    assert ">\n  Red\n</strong>" in page or re.search(r"govuk-tag--red[^>]*>\s*Red\s*<", page)
    assert "left" in page
    assert "Unclaimed" in client.get("/queue?show=unclaimed").get_data(as_text=True)
    assert "No contacts to show here" in client.get("/queue?show=mine").get_data(as_text=True)


def test_the_contact_page_shows_the_reasons_and_is_audited_like_the_api(
    app: Flask, client: FlaskClient, person
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    red = post_contact(client, police.headers, contact("R", **RED))
    reference = _reference(app, red)
    sign_in(client, person("screener"))
    before = _audit(app, red)
    page = client.get(f"/contacts/{reference}").get_data(as_text=True)
    assert "Strategy discussion" in page and "Source:" in page
    assert "What are we worried about?" in page and "What is working well?" in page
    added = sorted(set(_audit(app, red)) - set(before))
    assert added == ["child.history", "contact.read", "suggestions.view"]


def test_partner_free_text_is_escaped(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    body = contact("X", **RED)
    body["concerns"]["summary"] = "<script>alert(1)</script>"
    reference = _reference(app, post_contact(client, police.headers, body))
    sign_in(client, person("screener"))
    page = client.get(f"/contacts/{reference}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_screener_claims_and_decides_with_an_override(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    red = post_contact(client, police.headers, contact("R", **RED))
    reference = _reference(app, red)
    sign_in(client, person("screener"))
    claimed = submit(client, f"/contacts/{reference}/claim", {}, f"/contacts/{reference}")
    assert "You have claimed" in claimed.get_data(as_text=True)
    asks = _decide(client, reference, **{"outcome-0": "early_help", "rag": "amber"})
    assert "say why you are overriding it" in asks.get_data(as_text=True)
    check = _decide(
        client, reference, **{"outcome-0": "early_help", "rag": "amber", "override_reason": "Mother has left."}
    )
    page = check.get_data(as_text=True)
    assert "Check your answers" in page and "Record decision" in page and "Mother has left." in page
    assert count_rows(app, "decisions") == {"decisions": 0}
    recorded = _decide(
        client,
        reference,
        **{"outcome-0": "early_help", "rag": "amber", "override_reason": "Mother has left.", "step": "record"},
    )
    assert f"Decision recorded for {reference}" in recorded.get_data(as_text=True)
    with app.extensions["mash.engine"].connect() as conn:
        override, rationale = conn.execute(text("SELECT override, rationale FROM decisions")).one()
    assert override and "Mother has left." in rationale


def test_a_second_screener_cannot_decide_a_claimed_contact(app: Flask, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    first, second = app.test_client(), app.test_client()
    red = post_contact(first, police.headers, contact("R", **RED))
    reference = _reference(app, red)
    sign_in(first, person("screener", "First Screener"))
    sign_in(second, person("screener", "Second Screener"))
    submit(first, f"/contacts/{reference}/claim", {}, f"/contacts/{reference}")
    assert "Claimed by First Screener" in second.get(f"/contacts/{reference}").get_data(as_text=True)
    refused = _decide(second, reference, **{"outcome-0": "strategy_discussion", "step": "record"})
    assert "Held by First Screener" in refused.get_data(as_text=True)
    assert count_rows(app, "decisions") == {"decisions": 0}


def test_a_manager_signs_off_but_not_their_own_decision(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    screener, manager = person("screener"), person("manager")
    ids = [post_contact(client, police.headers, contact(ref, **RED)) for ref in ("R1", "R2")]
    post_json(
        client,
        f"/api/v1/contacts/{ids[0]}/decision",
        screener.headers,
        {"outcome": "nfa", "rag": "green", "rationale": "No role."},
    )
    post_json(
        client,
        f"/api/v1/contacts/{ids[1]}/decision",
        manager.headers,
        {"outcome": "strategy_discussion", "rag": "red", "rationale": "As recommended."},
    )
    own = post_json(client, f"/api/v1/contacts/{ids[1]}/oversight", manager.headers, {"agree": True})
    assert own.status_code == 403 and own.get_json()["type"].endswith("own-decision")
    sign_in(client, manager)
    listing = client.get("/oversight").get_data(as_text=True)
    first, second = _reference(app, ids[0]), _reference(app, ids[1])
    assert listing.index(first) < listing.index(second) and "Below recommendation" in listing
    assert "your decision" in listing
    done = submit(client, f"/contacts/{first}/oversight", {"agree": "yes"}, f"/contacts/{first}/oversight")
    assert f"{first} signed off and closed" in done.get_data(as_text=True)
    refused = submit(client, f"/contacts/{second}/oversight", {"agree": "yes"}, f"/contacts/{second}/oversight")
    assert "another manager must sign it off" in refused.get_data(as_text=True)
    disagree = submit(client, f"/contacts/{second}/oversight", {"agree": "no"}, f"/contacts/{second}/oversight")
    assert "Enter a comment saying why you disagree" in disagree.get_data(as_text=True)


def test_the_therapist_flags_and_records_a_consultation(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    reference = _reference(app, post_contact(client, police.headers, contact("R", **RED)))
    sign_in(client, person("therapist"))
    submit(client, f"/contacts/{reference}/flag", {"flag_note": "Third contact this year."}, f"/contacts/{reference}")
    worklist = client.get("/flags").get_data(as_text=True)
    flag_path = re.search(r'href="(/flags/[^"]+)"', worklist).group(1)  # type: ignore[union-attr]
    assert "Due" in worklist
    data = {
        "action": "consultation",
        "held-day": "2",
        "held-month": "11",
        "held-year": "2026",
        "participants": "Therapist\nScreener",
        "hypotheses": "Stress of the move.",
        "agreed": "Offer family network meeting.",
    }
    page = submit(client, flag_path, data, flag_path).get_data(as_text=True)
    assert "Consultation recorded" in page and "Offer family network meeting." in page
    assert "Stress of the move." in page


def test_an_administrator_creates_a_team_and_a_user_who_signs_in(client: FlaskClient, person) -> None:
    sign_in(client, person("admin"))
    made = submit(client, "/admin/teams", {"name": "Family Help East", "kind": "early_help"}, "/admin/teams")
    assert "Team Family Help East created" in made.get_data(as_text=True)
    bad = submit(
        client,
        "/admin/users",
        {"name": "New Screener", "email": "new@council.example", "role": "screener", "password": "short"},
        "/admin/users",
    )
    assert 'href="#password"' in bad.get_data(as_text=True)
    created = submit(
        client,
        "/admin/users",
        {"name": "New Screener", "email": "new@council.example", "role": "screener", "password": "river otter lantern"},
        "/admin/users",
    ).get_data(as_text=True)
    assert "Account created for New Screener" in created and re.search(r"mash_[A-Za-z0-9_-]{20,}", created)
    newcomer = Person("New Screener", "screener", "new@council.example", "river otter lantern", "")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/admin/users")})
    assert sign_in(client, newcomer).get("/").headers["Location"].endswith("/queue")


def test_teams_api_and_allocation_change_caseloads(app: Flask, client: FlaskClient, person) -> None:
    admin, manager = person("admin"), person("manager")
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    team = post_json(client, "/api/v1/teams", admin.headers, {"name": "Assessment A", "kind": "assessment"})
    assert team.status_code == 201
    team_id = team.get_json()["id"]
    assert post_json(client, "/api/v1/teams", manager.headers, {"name": "X", "kind": "assessment"}).status_code == 403
    patched = client.patch(
        f"/api/v1/teams/{team_id}",
        json={"caseload_cap": 12, "add_members": [{"name": "Worker One"}, {"name": "Worker Two"}]},
        headers=admin.headers,
    )
    assert patched.status_code == 200 and patched.get_json()["capacity"] == 24
    members = {member["name"]: member["id"] for member in patched.get_json()["members"]}
    member_id = members["Worker One"]
    body = contact("R", **RED, children=[child("Ann", "Lee", "2018-01-01"), child("Bob", "Lee", "2019-01-01")])
    cid = post_contact(client, police.headers, body)
    post_json(
        client,
        f"/api/v1/contacts/{cid}/decision",
        manager.headers,
        {"outcome": "assessment", "rag": "red", "rationale": "x"},
    )
    reference = _reference(app, cid)
    sign_in(client, manager)
    submit(client, "/teams/allocate", {"reference": reference, "member_id": member_id}, "/teams")
    caseload = client.get("/api/v1/teams", headers=manager.headers).get_json()["items"][0]["caseload"]
    assert caseload == 2

    def held() -> dict[str, int]:
        team = client.get("/api/v1/teams", headers=manager.headers).get_json()["items"][0]
        return {member["name"]: member["caseload"] for member in team["members"]}

    assert held() == {"Worker One": 2, "Worker Two": 0}
    moved = submit(client, "/teams/allocate", {"reference": reference, "member_id": members["Worker Two"]}, "/teams")
    assert f"{reference} allocated" in moved.get_data(as_text=True)
    assert held() == {"Worker One": 0, "Worker Two": 2}
    submit(client, f"/teams/close/{reference}", {}, "/teams")
    assert client.get("/api/v1/teams", headers=manager.headers).get_json()["items"][0]["caseload"] == 0


def test_child_search_is_a_post_and_finds_earlier_contacts(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    screener = person("screener")
    cid = post_contact(client, police.headers, contact("R", **RED, children=[child("Amira", "Khan", "2019-04-02")]))
    found = post_json(
        client, "/api/v1/children/search", screener.headers, {"last_name": "Khan", "date_of_birth": "2019-04-02"}
    )
    assert found.status_code == 200 and found.get_json()["items"][0]["contacts"][0]["id"] == cid
    sign_in(client, screener)
    page = submit(
        client,
        "/children/search",
        {"last_name": "Khan", "dob-day": "2", "dob-month": "4", "dob-year": "2019"},
        "/children/search",
    ).get_data(as_text=True)
    assert _reference(app, cid) in page
    empty = submit(client, "/children/search", {}, "/children/search").get_data(as_text=True)
    assert "Enter a name, a date of birth or an NHS number" in empty


def test_pages_run_a_bounded_number_of_sql_statements(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    kids = [child(f"Kid{n}", "Lee", f"201{n}-01-0{n + 1}") for n in range(5)]
    ids = [post_contact(client, police.headers, contact(f"R{n}", **RED, children=kids)) for n in range(3)]
    for n in range(30):
        post_contact(client, police.headers, contact(f"Q{n}", **AMBER, children=[child(f"Q{n}", "Ng", "2017-05-05")]))
    sign_in(client, person("screener"))
    statements: list[str] = []
    engine = app.extensions["mash.engine"]

    def count(*_args: Any) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/queue")
        queue_count = len(statements)
        statements.clear()
        client.get(f"/contacts/{_reference(app, ids[-1])}")
        contact_count = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert queue_count <= 8, queue_count
    assert contact_count <= 60, contact_count


def test_notes_and_consent_after_arrival_are_audited_and_consent_rescreens(
    app: Flask, client: FlaskClient, person
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    body = contact("C", **GREEN, consent="not_sought")
    cid = post_contact(client, police.headers, body)
    reference = _reference(app, cid)
    sign_in(client, person("screener"))
    page = f"/contacts/{reference}"
    missing = submit(client, f"{page}/notes", {"text": "  "}, page).get_data(as_text=True)
    assert 'href="#text"' in missing and "Enter the note" in missing
    noted = submit(client, f"{page}/notes", {"text": "Spoke to the school: attendance 82%."}, page)
    assert "Spoke to the school: attendance 82%." in noted.get_data(as_text=True)
    given = submit(client, f"{page}/consent", {"status": "given", "detail": "Mother, by phone"}, page)
    assert "Consent recorded" in given.get_data(as_text=True)
    with app.extensions["mash.engine"].connect() as conn:
        consent = conn.execute(text("SELECT consent_status FROM contacts WHERE id = :id"), {"id": cid}).scalar()
        rescreens = conn.execute(
            text("SELECT COUNT(*) FROM outbox WHERE entity_id = :id AND job = 'rescreen_contact'"), {"id": cid}
        ).scalar()
    assert consent == "given" and rescreens == 1
    assert {"contact.note", "contact.consent"} <= set(_audit(app, cid))


def test_a_manager_reopens_a_closed_contact_with_a_reason(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    screener, manager = person("screener"), person("manager")
    cid = post_contact(client, police.headers, contact("R", **RED))
    decided = {"outcome": "strategy_discussion", "rag": "red", "rationale": "As recommended."}
    post_json(client, f"/api/v1/contacts/{cid}/decision", screener.headers, decided)
    post_json(client, f"/api/v1/contacts/{cid}/oversight", manager.headers, {"agree": True})
    reference = _reference(app, cid)
    sign_in(client, manager)
    page = f"/contacts/{reference}"
    refused = submit(client, f"{page}/reopen", {"reason": ""}, page).get_data(as_text=True)
    assert "Enter why the contact is being reopened" in refused
    reopened = submit(client, f"{page}/reopen", {"reason": "New police report today."}, page).get_data(as_text=True)
    assert "Contact reopened for a new decision" in reopened and "New police report today." in reopened
    assert client.get("/api/v1/contacts/" + cid, headers=manager.headers).get_json()["status"] == "awaiting_decision"


def test_the_queue_pages_through_every_contact(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    for n in range(30):
        post_contact(client, police.headers, contact(f"P{n}", **GREEN, children=[child(f"P{n}", "Ng", "2016-02-02")]))
    sign_in(client, person("screener"))
    first = client.get("/queue").get_data(as_text=True)
    more = re.search(r'href="(/queue\?show=all&amp;after=[^"]+)"', first)
    assert more is not None and len(re.findall(r'href="/contacts/MASH', first)) == 25
    second = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    references = set(re.findall(r'href="/contacts/(MASH[^"]+)"', first)) | set(
        re.findall(r'href="/contacts/(MASH[^"]+)"', second)
    )
    assert len(references) == 30 and "First page" in second


def test_the_queue_shows_overdue_and_flagged_contacts_on_their_own(app: Flask, client: FlaskClient, person) -> None:
    police, therapist = person("partner", "PC Smith", "Metropolitan Police", "police"), person("therapist")
    late, flagged, plain = (
        post_contact(client, police.headers, contact(ref, **GREEN, children=[child(ref, "Ng", "2016-02-02")]))
        for ref in ("Lia", "Fay", "Pia")
    )
    past = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    with app.extensions["mash.engine"].begin() as conn:
        conn.execute(
            text("UPDATE recommendations SET decision_due_by = :due WHERE contact_id = :id"),
            {"due": past if conn.dialect.name == "postgresql" else past.replace(tzinfo=None), "id": late},
        )
    body = {"kind": "systemic_consultation", "note": "Third contact this year."}
    assert post_json(client, f"/api/v1/contacts/{flagged}/flags", therapist.headers, body).status_code == 201
    sign_in(client, person("screener"))

    def listed(show: str) -> tuple[list[str], str]:
        page = client.get(f"/queue?show={show}").get_data(as_text=True)
        return re.findall(r'href="/contacts/(MASH-[0-9-]+)"', page), page

    everything, page = listed("all")
    assert everything[0] == _reference(app, late) and len(everything) == 3
    assert "<strong>Overdue by 2 hours 5 minutes</strong>" in page
    overdue, page = listed("overdue")
    assert overdue == [_reference(app, late)] and "Overdue: most urgent first" in page
    only_flagged, page = listed("flagged")
    assert only_flagged == [_reference(app, flagged)] and re.search(r"govuk-tag--purple[^>]*>\s*Flagged\s*<", page)
    assert _reference(app, plain) not in page


def test_a_screener_releases_a_claim_for_another_to_take(app: Flask, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    first, second = app.test_client(), app.test_client()
    reference = _reference(app, post_contact(first, police.headers, contact("R", **RED)))
    sign_in(first, person("screener", "First Screener"))
    sign_in(second, person("screener", "Second Screener"))
    page = f"/contacts/{reference}"
    submit(first, f"{page}/claim", {}, page)
    released = submit(first, f"{page}/release", {}, page).get_data(as_text=True)
    assert f"You have released {reference}" in released and "You hold this contact." not in released
    assert count_rows(app, "claims") == {"claims": 0}
    taken = submit(second, f"{page}/claim", {}, page).get_data(as_text=True)
    assert "You hold this contact." in taken
    stale = submit(first, f"{page}/release", {}, page).get_data(as_text=True)  # a form from before the claim
    assert "Claimed by Second Screener" in stale and count_rows(app, "claims") == {"claims": 1}


def test_a_screener_confirms_rejects_and_undoes_a_possible_match_from_the_contact_page(
    app: Flask, client: FlaskClient, person
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    earlier, later = (
        post_contact(client, police.headers, contact(ref, **GREEN, children=[child("Alfred", "Hendry", born)]))
        for ref, born in (("M1", "2015-07-03"), ("M2", "2015-03-07"))
    )
    reference, earlier_reference = _reference(app, later), _reference(app, earlier)
    sign_in(client, person("screener"))
    page = f"/contacts/{reference}"
    shown = client.get(page).get_data(as_text=True)
    assert "Possible matches for Alfred Hendry" in shown and "No earlier contacts found." in shown
    action = re.search(rf'action="({page}/matches/[^/"]+)/confirm"', shown)
    assert action is not None
    matches = action.group(1)
    confirmed = submit(client, f"{matches}/confirm", {}, page).get_data(as_text=True)
    assert "Match confirmed" in confirmed and ">Confirmed<" in confirmed
    assert "Earlier contacts about Alfred Hendry" in confirmed and f">{earlier_reference}</a>" in confirmed
    undone = submit(client, f"{matches}/undo", {}, page).get_data(as_text=True)
    assert "Match decision undone" in undone and ">Suggested<" in undone
    rejected = submit(client, f"{matches}/reject", {}, page).get_data(as_text=True)
    assert "Match rejected" in rejected and ">Rejected<" in rejected and "No earlier contacts found." in rejected
    assert {"match.confirm", "match.undo", "match.reject"} <= set(_audit(app, later))


def test_the_therapist_adds_a_note_to_a_flag_and_resolves_it(app: Flask, client: FlaskClient, person) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    reference = _reference(app, post_contact(client, police.headers, contact("R", **RED)))
    sign_in(client, person("therapist"))
    submit(client, f"/contacts/{reference}/flag", {"flag_note": "Third contact this year."}, f"/contacts/{reference}")
    flag_path = re.search(r'href="(/flags/[^"]+)"', client.get("/flags").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    noted = submit(client, flag_path, {"action": "note", "note": "Spoke to the DSL."}, flag_path).get_data(as_text=True)
    assert "Note added" in noted and "Spoke to the DSL." in noted
    empty = submit(client, flag_path, {"action": "resolve", "resolve": " "}, flag_path).get_data(as_text=True)
    assert 'href="#resolve"' in empty and "Enter why the flag is resolved" in empty
    resolved = submit(client, flag_path, {"action": "resolve", "resolve": "Network meeting held."}, flag_path)
    assert "Flag resolved" in resolved.get_data(as_text=True) and "No open flags." in resolved.get_data(as_text=True)
    assert "Network meeting held." in client.get(flag_path).get_data(as_text=True)


def test_an_administrator_resets_a_password_issues_a_token_and_deactivates_an_account(
    app: Flask, client: FlaskClient, person
) -> None:
    admin, screener = person("admin"), person("screener", "Sam Screener")
    sign_in(client, admin)
    listing = client.get("/admin/users").get_data(as_text=True)
    account = re.search(r'href="(/admin/users/[^"]+)">Sam Screener<', listing).group(1)  # type: ignore[union-attr]
    mine = re.search(r'href="(/admin/users/[^"]+)">Test admin<', listing).group(1)  # type: ignore[union-attr]

    weak = submit(client, account, {"action": "password", "password": "password123"}, account).get_data(as_text=True)
    assert 'href="#password"' in weak
    reset = submit(client, account, {"action": "password", "password": "lantern heron biscuit"}, account)
    assert "Password reset for Sam Screener" in reset.get_data(as_text=True)
    assert sign_in(app.test_client(), screener, "lantern heron biscuit").get("/").headers["Location"].endswith("/queue")

    issued = submit(client, account, {"action": "token"}, account).get_data(as_text=True)
    token = re.search(r"mash_[A-Za-z0-9_-]{20,}", issued)
    assert token is not None and "it will not be shown again" in issued
    assert client.get("/api/v1/queue", headers=screener.headers).status_code == 401
    assert client.get("/api/v1/queue", headers={"Authorization": "Bearer " + token.group(0)}).status_code == 200
    assert token.group(0) not in client.get(account).get_data(as_text=True)

    own = submit(client, mine, {"action": "deactivate"}, mine).get_data(as_text=True)
    assert "You cannot deactivate your own account" in own
    gone = submit(client, account, {"action": "deactivate"}, account).get_data(as_text=True)
    assert "Sam Screener can no longer sign in or use the API" in gone and "Deactivated" in gone
    refused = sign_in(app.test_client(), screener, "lantern heron biscuit")
    assert refused.get("/").headers["Location"].endswith("/sign-in")
    assert client.get("/api/v1/queue", headers={"Authorization": "Bearer " + token.group(0)}).status_code == 401


def test_an_administrator_changes_a_team_and_takes_it_out_of_service(app: Flask, client: FlaskClient, person) -> None:
    admin, manager = person("admin"), person("manager")
    sign_in(client, admin)
    made = submit(client, "/admin/teams", {"name": "Family Help East", "kind": "early_help"}, "/admin/teams")
    team = made.request.path
    wrong = {"action": "team", "kind": "assessment", "caseload_cap": "ten", "active": "yes"}
    refused = submit(client, team, wrong, team).get_data(as_text=True)
    assert 'href="#caseload-cap"' in refused and "Caseload cap must be a whole number" in refused
    changed = {"action": "team", "kind": "assessment", "caseload_cap": "9", "active": "no"}
    assert "Team updated" in submit(client, team, changed, team).get_data(as_text=True)
    listed = client.get("/api/v1/teams", headers=manager.headers).get_json()["items"]
    assert [(t["name"], t["kind"], t["caseload_cap"], t["active"]) for t in listed] == [
        ("Family Help East", "assessment", 9, False)
    ]
    managers_page = sign_in(app.test_client(), manager).get("/teams").get_data(as_text=True)
    assert "Family Help East" not in managers_page


def test_an_administrator_creates_a_partner_account_in_an_existing_organisation(
    app: Flask, client: FlaskClient, person
) -> None:
    organisations.add(app.extensions["mash.sessionmaker"](), "Brixton Hill Primary", "school")
    sign_in(client, person("admin"))
    page = client.get("/admin/users").get_data(as_text=True)
    assert '<option value="Brixton Hill Primary">Brixton Hill Primary (School)</option>' in page
    assert 'value="MASH"' not in page
    fields = {"name": "Dee Lead", "email": "dsl@brixton.example", "password": "lantern heron biscuit"}
    unknown = submit(client, "/admin/users", {**fields, "role": "partner", "organisation": "Nowhere"}, "/admin/users")
    assert 'href="#organisation"' in unknown.get_data(as_text=True)
    made = submit(
        client, "/admin/users", {**fields, "role": "partner", "organisation": "Brixton Hill Primary"}, "/admin/users"
    )
    assert "Account created for Dee Lead" in made.get_data(as_text=True)
    with app.extensions["mash.engine"].connect() as conn:
        agency = conn.execute(
            text(
                "SELECT o.agency_type FROM users u JOIN organisations o ON o.id = u.organisation_id "
                "WHERE u.email = 'dsl@brixton.example'"
            )
        ).scalar_one()
    assert agency == "school"
