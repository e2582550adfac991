"""Restricted contacts on the staff pages: restricting from the contact page, the break-glass page a restricted contact
shows instead of itself, and the privacy officer's list; through a test client and in a real browser."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, expect
from sqlalchemy import text

from tests.api.helpers import GREEN, child, contact, post_contact
from tests.conftest import count_rows
from tests.web.browser import Visitor
from tests.web.conftest import Person, csrf_token, make_person, sign_in, submit


def _restricted_contact(app: Flask, client: FlaskClient, person: Callable[..., Person]) -> str:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    contact_id = post_contact(
        client, police.headers, contact("W", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")])
    )
    manager = person("manager", "Mo Manager")
    sign_in(client, manager)
    reference = client.get(f"/api/v1/contacts/{contact_id}", headers=manager.headers).get_json()["reference"]
    page = f"/contacts/{reference}"
    refused = submit(client, f"{page}/restriction", {"category": "", "restriction_reason": ""}, page)
    assert 'href="#category"' in refused.get_data(as_text=True)
    assert 'href="#restriction-reason"' in refused.get_data(as_text=True)
    placed = submit(
        client, f"{page}/restriction", {"category": "staff_or_family", "restriction_reason": "Aunt works here"}, page
    )
    assert f"{reference} is restricted" in placed.get_data(as_text=True)
    client.post("/sign-out")
    return str(reference)


def test_a_restricted_contact_page_asks_for_a_reason_before_it_opens(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    reference = _restricted_contact(app, client, person)
    sign_in(client, person("screener", "Sam Screener"))
    closed = client.get(f"/contacts/{reference}")
    assert closed.status_code == 403
    assert "This contact is restricted" in closed.get_data(as_text=True)
    assert "A member of staff or their family" in closed.get_data(as_text=True)
    assert "Hendry" not in closed.get_data(as_text=True)
    blank = client.post(
        f"/contacts/{reference}/break-glass",
        data={"reason": "  ", "category": "staff_or_family", "csrf_token": csrf_token(client, "/queue")},
    )
    assert blank.status_code == 422
    assert "Enter why you need to open this contact" in blank.get_data(as_text=True)
    assert count_rows(app, "privacy_events") == {"privacy_events": 1}
    opened = submit(client, f"/contacts/{reference}/break-glass", {"reason": "Joint visit with police"}, "/queue")
    assert opened.status_code == 200
    assert "Hendry" in opened.get_data(as_text=True)
    assert f"You have opened {reference} until" in opened.get_data(as_text=True)
    assert "Lift the restriction" not in opened.get_data(as_text=True)
    queue = client.get("/queue").get_data(as_text=True)
    assert reference in queue and "Restricted" in queue
    search = {"last_name": "Hendry", "dob-day": "7", "dob-month": "3", "dob-year": "2015"}
    search["csrf_token"] = csrf_token(client, "/children/search")
    found = client.post("/children/search", data=search).get_data(as_text=True)
    assert reference in found and "Restricted" in found and "Alfred" not in found


def test_only_the_privacy_officer_reads_the_privacy_page(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    reference = _restricted_contact(app, client, person)
    sign_in(client, person("screener", "Sam Screener"))
    submit(client, f"/contacts/{reference}/break-glass", {"reason": "Joint visit with police"}, "/queue")
    assert client.get("/privacy").status_code == 403
    client.post("/sign-out")
    sign_in(client, person("privacy_officer", "Priya Officer"))
    assert client.get("/").headers["Location"].endswith("/privacy")
    page = client.get("/privacy").get_data(as_text=True)
    assert page.index("Opened by break-glass") < page.index("Aunt works here")
    assert "Sam Screener (screener)" in page and "Joint visit with police" in page and reference in page
    assert "Nothing in this period" in client.get("/privacy?from=2020-01-01&to=2020-01-31").get_data(as_text=True)
    wrong = client.get("/privacy?from=2026-02-30")
    assert wrong.status_code == 400 and 'href="#from"' in wrong.get_data(as_text=True)
    assert client.get(f"/contacts/{reference}").status_code == 403


def test_a_screener_breaks_the_glass_and_the_privacy_officer_sees_it(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    people = make_person(app)
    police = people("partner", "PC Smith", "Metropolitan Police", "police")
    manager, screener = people("manager", "Mo Manager"), people("screener", "Sam Screener")
    officer = people("privacy_officer", "Priya Officer")
    body = contact("B", **GREEN, children=[child("Alfred", "Hendry", "2015-03-07")])
    created = app.test_client().post(
        "/api/v1/contacts", data=json.dumps(body), headers=police.headers, content_type="application/json"
    )
    reference = created.get_json()["reference"]

    boss = Visitor(browser, base, "restrict")
    boss.sign_in(manager.email, manager.password)
    boss.go(f"/contacts/{reference}", "contact")
    boss.page.get_by_label("A high-profile case").check()
    boss.page.get_by_label("Why restrict it?").fill("The family is in the news this week.")
    boss.page.get_by_role("button", name="Restrict contact").click()
    boss.check("restricted")
    expect(boss.page.locator(".govuk-notification-banner")).to_contain_text(f"{reference} is restricted")
    boss.close()

    me = Visitor(browser, base, "break-glass")
    me.sign_in(screener.email, screener.password)
    row = me.page.locator("tbody tr").first
    expect(row).to_contain_text("Restricted")
    row.get_by_role("link", name=reference).click()
    me.check("closed")
    expect(me.page.get_by_role("heading", name="This contact is restricted")).to_be_visible()
    me.page.get_by_role("button", name="Open this contact").click()
    me.check("reason-missing")
    expect(me.page.locator(".govuk-error-summary")).to_contain_text("Enter why you need to open this contact")
    me.page.get_by_label("Why do you need to open this contact?").fill("Police ask for our history before a visit.")
    me.page.get_by_role("button", name="Open this contact").click()
    me.check("opened")
    expect(me.page.locator("body")).to_contain_text("Alfred Hendry")
    expect(me.page.locator(".govuk-warning-text").first).to_contain_text("Open to you until")
    me.close()

    privacy = Visitor(browser, base, "privacy")
    privacy.sign_in(officer.email, officer.password)
    expect(privacy.page).to_have_url(re.compile(r"/privacy$"))
    rows = privacy.page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Opened by break-glass")
    expect(rows.first).to_contain_text("Police ask for our history before a visit.")
    expect(rows.nth(1)).to_contain_text("The family is in the news this week.")
    privacy.close()


def test_a_case_note_consent_or_reopening_waits_for_the_glass(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    reference = _restricted_contact(app, client, person)
    refusals = "SELECT COUNT(*) FROM audit_events WHERE action = 'contact.restricted_refused'"
    with app.extensions["mash.engine"].connect() as conn:
        before = conn.execute(text(refusals)).scalar_one()
    sign_in(client, person("manager", "Max Manager"))
    forms = {
        "notes": {"text": "Rang the school"},
        "consent": {"status": "given", "detail": "Mother agreed by phone"},
        "reopen": {"reason": "New information from the school"},
    }
    for path, data in forms.items():
        answer = client.post(f"/contacts/{reference}/{path}", data={**data, "csrf_token": csrf_token(client, "/queue")})
        assert answer.status_code == 302, path
    assert count_rows(app, "case_notes")["case_notes"] == 0
    assert count_rows(app, "privacy_events")["privacy_events"] == 1
    with app.extensions["mash.engine"].connect() as conn:
        assert conn.execute(text(refusals)).scalar_one() == before + 3
    opened = submit(client, f"/contacts/{reference}/break-glass", {"reason": "Strategy meeting"}, "/queue")
    assert "Hendry" in opened.get_data(as_text=True)
    noted = submit(client, f"/contacts/{reference}/notes", forms["notes"], "/queue")
    assert "Note added" in noted.get_data(as_text=True)
    assert count_rows(app, "case_notes")["case_notes"] == 1


def test_the_flags_page_shows_a_restricted_contacts_flag_without_its_note(
    app: Flask, client: FlaskClient, person: Callable[..., Person]
) -> None:
    police = person("partner", "PC Smith", "Metropolitan Police", "police")
    therapist = person("therapist", "Tess Therapist")
    contact_id = post_contact(client, police.headers, contact("F", **GREEN))
    flag = {"kind": "systemic_consultation", "note": "Third contact about the baby"}
    raised = client.post(f"/api/v1/contacts/{contact_id}/flags", json=flag, headers=therapist.headers)
    assert raised.status_code == 201
    sign_in(client, therapist)
    assert "Third contact about the baby" in client.get("/flags").get_data(as_text=True)
    manager = person("manager", "Mo Manager")
    restriction = {"category": "high_profile", "reason": "In the news"}
    restricted = client.post(f"/api/v1/contacts/{contact_id}/restriction", json=restriction, headers=manager.headers)
    assert restricted.status_code == 201
    listed = client.get("/flags").get_data(as_text=True)
    assert "Third contact about the baby" not in listed
    assert "Restricted" in listed
