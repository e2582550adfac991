"""Journeys in a real browser (Debian's chromium): every page checked with axe-core and photographed."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.api.helpers import AMBER, GREEN, RED, contact
from tests.conftest import count_rows
from tests.web.browser import Visitor
from tests.web.conftest import Person, make_person


def _submit(app: Flask, who: Person, body: dict[str, Any]) -> str:
    response = app.test_client().post(
        "/api/v1/contacts", data=json.dumps(body), headers=who.headers, content_type="application/json"
    )
    assert response.status_code == 201
    return str(response.get_json()["reference"])


def _reload_until_shown(page: Page, selector: str, words: str, seconds: float = 30) -> None:
    """Reload the page, as a screener would, until the words show: the re-screen an answer starts runs after the
    answer's page is sent."""
    deadline = time.monotonic() + seconds
    while words not in page.locator(selector).inner_text():
        assert time.monotonic() < deadline, f"{words!r} not shown within {seconds} s"
        page.wait_for_timeout(250)
        page.reload()


def _three_contacts(app: Flask) -> str:
    police = make_person(app)("partner", "PC Smith", "Metropolitan Police", "police")
    _submit(app, police, contact("G", **GREEN))
    _submit(app, police, contact("A", **AMBER))
    return _submit(app, police, contact("R", **RED))


def test_a_screener_decides_the_red_contact_with_an_override(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    red = _three_contacts(app)
    people = make_person(app)
    screener, other = people("screener", "Sam Screener"), people("screener", "Olu Screener")
    me = Visitor(browser, base, "screener")
    me.sign_in(screener.email, screener.password)
    expect(me.page).to_have_url(re.compile(r"/queue$"))
    first_row = me.page.locator("tbody tr").first
    expect(first_row).to_contain_text(red)
    expect(first_row).to_contain_text("Red")
    first_row.get_by_role("link", name=red).click()
    me.check("contact")
    me.page.get_by_role("button", name="Claim").click()
    me.check("claimed")
    expect(me.page.get_by_text("You hold this contact.")).to_be_visible()
    reasons = me.page.locator("#recommendation ~ ol li")
    expect(reasons.first).to_contain_text("Source:")

    them = Visitor(browser, base, "second-screener")
    them.sign_in(other.email, other.password)
    them.go(f"/contacts/{red}", "claimed-by-another")
    expect(them.page.get_by_text("Claimed by Sam Screener")).to_be_visible()
    them.go(f"/contacts/{red}/decision", "decision-form")
    them.page.get_by_label("Strategy discussion").first.check()
    them.page.get_by_label("Red").check()
    them.page.get_by_label("Rationale").fill("I think so too.")
    them.page.get_by_role("button", name="Continue").click()
    them.check("check-answers")
    them.page.get_by_role("button", name="Record decision").click()
    them.check("refused")
    expect(them.page.locator(".govuk-error-summary")).to_contain_text("Held by Sam Screener")

    me.page.get_by_role("link", name="Make a decision").click()
    me.check("decision-form")
    me.page.get_by_label("Early help").first.check()
    me.page.get_by_label("Amber").check()
    me.page.get_by_label("Rationale").fill("Father has moved out; mother engaging with the refuge.")
    me.page.get_by_role("button", name="Continue").click()
    me.check("override-asked")
    expect(me.page.locator(".govuk-error-summary")).to_contain_text("say why you are overriding it")
    me.page.get_by_label("Reason for overriding the recommendation").fill("The risk has left the household.")
    me.page.get_by_role("button", name="Continue").click()
    me.check("check-answers")
    expect(me.page.locator(".govuk-summary-list")).to_contain_text("The risk has left the household.")
    me.page.get_by_role("button", name="Record decision").click()
    me.check("decided")
    expect(me.page.locator(".govuk-notification-banner")).to_contain_text(f"Decision recorded for {red}")
    assert count_rows(app, "decisions") == {"decisions": 1}


def test_a_manager_signs_off_but_not_their_own_decision(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    people = make_person(app)
    police = people("partner", "PC Smith", "Metropolitan Police", "police")
    screener, manager = people("screener"), people("manager", "Mo Manager")
    theirs, mine = _submit(app, police, contact("R1", **RED)), _submit(app, police, contact("R2", **RED))
    visitor = Visitor(browser, base, "manager")
    for who, reference in ((screener, theirs), (manager, mine)):
        visitor.sign_in(who.email, who.password)
        visitor.go(f"/contacts/{reference}/decision", "decision-form")
        visitor.page.get_by_label("Strategy discussion").first.check()
        visitor.page.get_by_label("Red").check()
        visitor.page.get_by_label("Rationale").fill("As recommended.")
        visitor.page.get_by_role("button", name="Continue").click()
        visitor.page.get_by_role("button", name="Record decision").click()
        visitor.page.get_by_role("button", name="Sign out").click()
    visitor.sign_in(manager.email, manager.password)
    expect(visitor.page).to_have_url(re.compile(r"/oversight$"))
    expect(visitor.page.get_by_text("your decision: another manager signs it off")).to_be_visible()
    visitor.page.get_by_role("link", name=theirs).click()
    visitor.check("oversee")
    visitor.page.get_by_label("Agree", exact=True).check()
    visitor.page.get_by_label("Comment").fill("Proportionate.")
    visitor.page.get_by_role("button", name="Record oversight").click()
    visitor.check("signed-off")
    expect(visitor.page.locator(".govuk-notification-banner")).to_contain_text(f"{theirs} signed off and closed")
    visitor.go(f"/contacts/{mine}/oversight", "own-decision")
    visitor.page.get_by_label("Agree", exact=True).check()
    visitor.page.get_by_role("button", name="Record oversight").click()
    visitor.check("own-refused")
    expect(visitor.page.locator(".govuk-error-summary")).to_contain_text("another manager must sign it off")
    visitor.go("/teams", "teams")


def test_the_therapist_flags_a_contact_and_records_a_consultation(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    red = _three_contacts(app)
    therapist = make_person(app)("therapist")
    visitor = Visitor(browser, base, "therapist")
    visitor.sign_in(therapist.email, therapist.password)
    expect(visitor.page).to_have_url(re.compile(r"/flags$"))
    visitor.go(f"/contacts/{red}", "contact")
    visitor.page.get_by_label("Why flag this contact for systemic consultation?").fill(
        "Third police contact in a year."
    )
    visitor.page.get_by_role("button", name="Flag contact").click()
    visitor.check("flagged")
    visitor.go("/flags", "flags")
    visitor.page.get_by_role("link", name=re.compile(red)).click()
    visitor.check("flag")
    visitor.page.get_by_label("Day").fill("2")
    visitor.page.get_by_label("Month").fill("11")
    visitor.page.get_by_label("Year").fill("2026")
    visitor.page.get_by_label("Who took part").fill("Therapist\nScreener\nSchool DSL")
    visitor.page.get_by_label("Hypotheses").fill("The move has cut the family off from its network.")
    visitor.page.get_by_label("What was agreed").fill("Offer a family network meeting.")
    visitor.page.get_by_role("button", name="Record consultation").click()
    visitor.check("consulted")
    expect(visitor.page.locator("#history ~ ol")).to_contain_text("Offer a family network meeting.")


def test_an_administrator_creates_a_team_and_a_user_who_signs_in(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    admin = make_person(app)("admin")
    visitor = Visitor(browser, base, "admin")
    visitor.sign_in(admin.email, admin.password)
    expect(visitor.page).to_have_url(re.compile(r"/admin/users$"))
    visitor.go("/admin/teams", "teams")
    visitor.page.get_by_label("Team name").fill("Family Help East")
    visitor.page.get_by_label("Kind of team").fill("early_help")
    visitor.page.get_by_label("Caseload cap per worker (optional)").fill("12")
    visitor.page.get_by_role("button", name="Create team").click()
    visitor.check("team")
    visitor.page.get_by_label("Worker's name").fill("Priya Worker")
    visitor.page.get_by_role("button", name="Add worker").click()
    visitor.check("team-with-worker")
    expect(visitor.page.locator("table")).to_contain_text("Priya Worker")
    visitor.go("/admin/users", "users")
    visitor.page.get_by_label("Full name").fill("Nia Newcomer")
    visitor.page.get_by_label("Email address").fill("nia@council.example")
    visitor.page.get_by_label("Role").select_option("screener")
    visitor.page.get_by_label("Password").fill("short")
    visitor.page.get_by_role("button", name="Create account").click()
    visitor.check("user-error")
    expect(visitor.page.locator(".govuk-error-summary")).to_contain_text("10 characters or more")
    visitor.page.get_by_label("Password").fill("kettle meadow saxophone")
    visitor.page.get_by_role("button", name="Create account").click()
    visitor.check("user-created")
    expect(visitor.page.locator("#new-token")).to_contain_text("mash_")
    visitor.page.get_by_role("button", name="Sign out").click()
    visitor.sign_in("nia@council.example", "kettle meadow saxophone")
    expect(visitor.page).to_have_url(re.compile(r"/queue$"))


def test_a_locked_out_account_cannot_sign_in(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    screener = make_person(app)("screener")
    visitor = Visitor(browser, base, "locked")
    for _ in range(app.config["MASH_SETTINGS"].sign_in_failures):
        visitor.sign_in(screener.email, "not my password at all")
    expect(visitor.page.locator(".govuk-error-summary")).to_contain_text("This account is locked")
    visitor.sign_in(screener.email, screener.password)
    expect(visitor.page.locator(".govuk-error-summary")).to_contain_text("This account is locked")
    expect(visitor.page).to_have_url(re.compile(r"/sign-in$"))


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    live: tuple[Flask, str], browser: Browser
) -> None:
    app, base = live
    red = _three_contacts(app)
    screener = make_person(app)("screener")
    visitor = Visitor(browser, base, "csrf")
    visitor.sign_in(screener.email, screener.password)
    visitor.go(f"/contacts/{red}", "contact")
    visitor.page.locator("input[name=csrf_token]").evaluate_all("inputs => inputs.forEach(i => i.remove())")
    visitor.page.get_by_role("button", name="Claim").click()
    visitor.check("csrf-error")
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    expect(visitor.page.get_by_text("nothing was changed")).to_be_visible()
    assert count_rows(app, "claims") == {"claims": 0}


def test_a_screener_works_by_keyboard_alone(live: tuple[Flask, str], browser: Browser) -> None:
    app, base = live
    red = _three_contacts(app)
    screener = make_person(app)("screener")
    visitor = Visitor(browser, base, "keyboard")
    page = visitor.go("/sign-in", "sign-in")
    keyboard = page.keyboard

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#email")
    keyboard.type(screener.email)
    tab_to("#password")
    keyboard.type(screener.password)
    with page.expect_navigation(url=re.compile(r"/queue$")):
        keyboard.press("Enter")
    visitor.check("queue")
    tab_to(f'a[href="/contacts/{red}"]')
    with page.expect_navigation(url=re.compile(f"/contacts/{red}$")):
        keyboard.press("Enter")
    visitor.check("contact")
    tab_to("#claim button")
    with page.expect_navigation():
        keyboard.press("Enter")
    visitor.check("claimed")
    tab_to('a[href$="/decision"]')
    with page.expect_navigation(url=re.compile(r"/decision$")):
        keyboard.press("Enter")
    tab_to("#outcome-0")
    for _ in range(4):
        keyboard.press("ArrowDown")
    assert page.evaluate("() => document.querySelector('input[name=outcome-0]:checked').value") == (
        "strategy_discussion"
    )
    tab_to("#rag")
    keyboard.press("Space")
    tab_to("#rationale")
    keyboard.type("Strangulation reported: strategy discussion today.")
    tab_to("button.govuk-button")
    with page.expect_navigation():
        keyboard.press("Enter")
    visitor.check("check-answers")
    tab_to("button[value=record]")
    with page.expect_navigation():
        keyboard.press("Enter")
    visitor.check("decided")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Decision recorded for {red}")


def test_a_screener_dismisses_a_fact_from_the_words_and_records_a_phone_answer(
    live: tuple[Flask, str], browser: Browser
) -> None:
    app, base = live
    school = make_person(app)("partner", "Ms Okafor", "Oakfield Primary School", "school")
    body = contact("W", categories=["school_attendance"])
    body["referrer"]["agency_type"] = "school"  # a partner's agency type is its account's
    body["concerns"]["summary"] = "Liam (9) came in with a black eye. He would not say how it happened."
    reference = _submit(app, school, body)
    screener = make_person(app)("screener", "Sam Screener")

    me = Visitor(browser, base, "facts")
    me.sign_in(screener.email, screener.password)
    me.go(f"/contacts/{reference}", "contact-with-facts")
    facts = me.page.locator("#facts + p + dl")
    expect(facts).to_contain_text("Injury unexplained")
    expect(facts).to_contain_text("He would not say how it happened.")
    expect(me.page.locator("#recommendation ~ ol li").first).to_contain_text("Found in the referrer's words")

    me.page.get_by_role("button", name="Dismiss injury unexplained").click()
    me.check("dismiss-without-reason")
    expect(me.page.locator(".govuk-error-summary")).to_contain_text("Enter why you are dismissing it")
    me.page.get_by_label("Reason for dismissing injury unexplained").fill("Liam was hit by a ball in PE; seen.")
    me.page.get_by_role("button", name="Dismiss injury unexplained").click()
    me.check("dismissed")
    expect(me.page.get_by_text("Fact dismissed: the contact will be screened again")).to_be_visible()
    expect(me.page.get_by_text("Dismissed: Liam was hit by a ball in PE; seen.")).to_be_visible()

    me.page.get_by_role("checkbox", name="Health").check()
    me.page.get_by_label("Purpose").fill("Whether Liam is known")
    me.page.get_by_label("Legal basis").fill("Children Act 1989 section 17")
    me.page.get_by_role("button", name="Request checks").click()
    me.check("checks-requested")
    me.page.get_by_role("radio", name="Health: not configured").last.check()
    me.page.get_by_label("What they said").fill("School nurse: Liam is on a child protection plan (neglect).")
    me.page.get_by_label("On a child protection plan").check()
    me.page.get_by_role("button", name="Record answer").click()
    me.check("phone-answer-recorded")
    expect(me.page.get_by_text("Answer recorded")).to_be_visible()
    expect(me.page.locator("#sharing ~ table").first).to_contain_text("By phone, recorded by Sam Screener")
    facts = me.page.locator("#facts + p + dl")
    expect(facts).to_contain_text("From the health check")
    expect(facts).to_contain_text("School nurse: Liam is on a child protection plan (neglect).")
    _reload_until_shown(me.page, "#recommendation ~ ol", "(From the health check.)")
    me.check("rescreened")
    me.close()
