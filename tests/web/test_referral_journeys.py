"""Referrers in a real browser: the form from the first question to the reference, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.conftest import count_rows
from tests.web.browser import Visitor
from tests.web.conftest import Person, make_person


def _fill(page: Page, fields: dict[str, str]) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def _continue(visitor: Visitor, name: str) -> None:
    visitor.page.get_by_role("button", name="Continue").click()
    visitor.check(name)


def _date(page: Page, prefix: str, day: str, month: str, year: str) -> None:
    page.locator(f"#{prefix}-day").fill(day)
    page.locator(f"#{prefix}-month").fill(month)
    page.locator(f"#{prefix}-year").fill(year)


def _refer_two_siblings(me: Visitor) -> str:
    """Make the school's referral about two siblings, with one mistake fixed and one answer changed."""
    page = me.page
    page.get_by_role("link", name="Make a referral").first.click()
    me.check("immediate-danger")
    page.get_by_label("No", exact=True).check()
    _continue(me, "about-you")
    expect(page.get_by_label("Full name")).to_have_value("Dee Lead")
    _fill(page, {"Role or job title (optional)": "Designated safeguarding lead", "Phone number": "020 7946 0123"})
    page.get_by_label("Your own reference (optional)").fill("DSL-2026-114")
    _continue(me, "first-child")
    _fill(page, {"First name": "Amira", "Last name": "Khan", "Postcode": "SW2 5SG"})
    page.locator("#born").check()
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("School, nursery or setting (optional)").fill("Brixton Hill Primary")
    page.get_by_label("Ethnic group (optional)").select_option("ABAN")
    _continue(me, "missing-date-of-birth")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the child's date of birth")
    summary.get_by_role("link", name="Enter the child's date of birth").click()
    _date(page, "date-of-birth", "2", "4", "2019")
    _continue(me, "children")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have added 1 child")
    page.get_by_label("Yes", exact=True).check()
    _continue(me, "second-child")
    _fill(page, {"First name": "Zain", "Last name": "Khan"})
    page.locator("#born").check()
    _date(page, "date-of-birth", "14", "9", "2016")
    page.get_by_label("Male", exact=True).check()
    _continue(me, "two-children")
    page.get_by_label("No", exact=True).check()
    _continue(me, "adults")
    page.get_by_label("Yes", exact=True).check()
    _continue(me, "adult")
    _fill(page, {"First name": "Sara", "Last name": "Khan", "Relationship to the child": "mother"})
    page.locator("#lives-with-child").check()
    _continue(me, "one-adult")
    page.get_by_label("No", exact=True).check()
    _continue(me, "concerns")
    page.get_by_label("Domestic abuse", exact=True).check()
    page.get_by_label("Physical abuse", exact=True).check()
    _continue(me, "facts")
    page.locator("#disclosure-by-child").check()
    page.locator("#weapon-or-strangulation").check()
    _continue(me, "worries")
    page.get_by_label("What has happened?").fill("Amira told her teacher that her mother's partner hit her mother.")
    page.get_by_label("What are you worried about?").fill("Amira and Zain may be hurt if it happens again.")
    _continue(me, "consent")
    page.get_by_label("I have not asked the family").check()
    page.get_by_label("If they did not agree, or you have not asked them, tell us why").fill(
        "Asking the mother first could put the children at risk."
    )
    _continue(me, "check-your-answers")
    expect(page.locator("main")).to_contain_text("Zain Khan")
    page.get_by_role("link", name="Change name").nth(2).click()
    me.check("change-second-child")
    page.get_by_label("First name").fill("Zayn")
    _continue(me, "checked-again")
    expect(page.locator("main")).to_contain_text("Zayn Khan")
    page.get_by_role("button", name="Send referral").click()
    me.check("confirmation")
    expect(page.locator(".govuk-panel")).to_contain_text("Referral sent")
    expect(page.locator("main")).to_contain_text(re.compile(r"make a decision by \d+(:\d\d)?[ap]m on \w+day \d+ \w+"))
    found = re.search(r"MASH-\d{4}-\d{6}", page.locator(".govuk-panel").inner_text())
    assert found
    return found.group(0)


def _decide_and_sign_off(app: Flask, browser: Browser, base: str, reference: str, journey: str) -> None:
    people = make_person(app)
    screener, manager = people("screener", "Sam Screener"), people("manager", "Mo Manager")
    staff = Visitor(browser, base, f"{journey}-staff")
    staff.sign_in(screener.email, screener.password)
    with app.app_context():  # what the outbox sweep does every MASH_SWEEP_SECONDS in production
        app.extensions["mash.relay"].sweep()
    staff.page.reload()
    staff.check("queue")
    expect(staff.page.locator("tbody")).to_contain_text(reference)
    staff.go(f"/contacts/{reference}/decision", "decision-form")
    staff.page.get_by_label("No further action").first.check()
    staff.page.get_by_label("Green").check()
    staff.page.get_by_label("Rationale").fill("The school and the refuge are supporting mother; no role for us.")
    staff.page.get_by_label("Reason for overriding the recommendation").fill("Mother has left with the children.")
    staff.page.get_by_role("button", name="Continue").click()
    staff.page.get_by_role("button", name="Record decision").click()
    staff.check("decided")
    staff.page.get_by_role("button", name="Sign out").click()
    staff.sign_in(manager.email, manager.password)
    staff.go(f"/contacts/{reference}/oversight", "oversee")
    staff.page.get_by_label("Agree", exact=True).check()
    staff.page.get_by_role("button", name="Record oversight").click()
    staff.check("signed-off")
    staff.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_school_refers_two_siblings_and_sees_the_feedback(
    live: tuple[Flask, str], browser: Browser, javascript: bool
) -> None:
    app, base = live
    lead: Person = make_person(app)("partner", "Dee Lead", "Brixton Hill Primary", "school")
    journey = "referral-" + ("js" if javascript else "no-js")
    me = Visitor(browser, base, journey, javascript=javascript)
    me.sign_in(lead.email, lead.password)
    expect(me.page).to_have_url(re.compile(r"/referrals$"))
    reference = _refer_two_siblings(me)
    assert count_rows(app, "contacts", "children") == {"contacts": 1, "children": 2}
    _decide_and_sign_off(app, browser, base, reference, journey)
    me.go("/referrals", "your-referrals")
    row = me.page.locator("tbody tr").first
    expect(row).to_contain_text(reference)
    expect(row).to_contain_text("No further action")
    row.get_by_role("link", name=reference).click()
    me.check("referral")
    expect(me.page.locator("#feedback")).to_contain_text("Thank you for your contact")
    me.page.get_by_label("What has happened since you made the referral?").fill("Zayn told us he is scared.")
    me.page.get_by_role("button", name="Add information").click()
    me.check("information-added")
    expect(me.page.locator(".govuk-notification-banner")).to_contain_text("Information added")
    me.close()


def test_immediate_danger_stores_nothing_and_another_school_cannot_open_a_referral(
    live: tuple[Flask, str], browser: Browser
) -> None:
    app, base = live
    people = make_person(app)
    lead = people("partner", "Dee Lead", "Brixton Hill Primary", "school")
    other = people("partner", "Ola Lead", "Oakfield Primary", "school")
    me = Visitor(browser, base, "danger")
    me.sign_in(lead.email, lead.password)
    me.go("/referrals/new", "immediate-danger")
    me.page.get_by_label("Yes", exact=True).check()
    _continue(me, "call-999")
    expect(me.page.get_by_role("heading", level=1)).to_have_text("Call 999 now")
    expect(me.page.locator("main")).to_contain_text("020 7946 0000")
    assert count_rows(app, "referral_drafts", "contacts") == {"referral_drafts": 0, "contacts": 0}
    reference = _refer_two_siblings(me)
    them = Visitor(browser, base, "other-school")
    them.sign_in(other.email, other.password)
    response = them.page.goto(f"{base}/referrals/{reference}")
    assert response is not None and response.status == 404
    them.check("not-found")
    expect(them.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(them.page.locator("main")).not_to_contain_text("Amira")
