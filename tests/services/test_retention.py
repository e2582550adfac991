"""Retention through the services: the schedule, what is due, legal holds, and destruction that leaves nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from mash.db import utcnow
from mash.models import (
    Allocation,
    AuditEvent,
    IdempotencyRecord,
    ReferralDraft,
    SecurityEvent,
    SignInAttempt,
    Team,
    TeamMember,
    User,
)
from mash.services import audit_chain, legal_holds, retention
from mash.services.reports import quality
from mash.services.retention_policy import DEFAULT_SCHEDULE, RetentionPolicyError, load_policy, parse_policy
from tests.api.helpers import post_json
from tests.retention_support import decided, decided_years_ago, staff_account, tables_naming


def _session(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["mash.sessionmaker"]()


def _review(app: Flask) -> list[retention.Due]:
    session = _session(app)
    try:
        run = retention.review(session, app.extensions["mash.retention_policy"])
        _, items = retention.review_items(session, run.id)
        return [
            retention.Due(i.record_type, i.record_id, i.reference, i.class_id, i.trigger_date, i.due_date)
            for i in items
        ]
    finally:
        session.close()


def _review_and_destroy(app: Flask, by: str) -> retention.Destruction:
    session = _session(app)
    try:
        run = retention.review(session, app.extensions["mash.retention_policy"])
        policy = app.extensions["mash.retention_policy"]
        return retention.destroy(session, policy, run.id, by, app.extensions["mash.relay"].runner.forget)
    finally:
        session.close()


def test_the_default_schedule_covers_every_outcome_and_names_its_basis() -> None:
    policy = load_policy(None)
    assert {c.records for c in policy.classes} == {
        "contact",
        "referral_draft",
        "idempotency_record",
        "security_event",
    }
    assert all(c.basis for c in policy.classes)
    assert DEFAULT_SCHEDULE.is_file()


def test_a_broken_schedule_is_refused_naming_every_problem() -> None:
    broken = """
version: "x"
classes:
  - {id: closed, records: contact, when: {outcomes: [nfa, signposted]}, trigger: decided, keep: {years: 0}, basis: b}
  - {id: drafts, records: referral_draft, trigger: decided, keep: {days: 30}, basis: b}
  - {id: keys, records: idempotency_record, trigger: created, keep: {days: 30}}
"""
    with pytest.raises(RetentionPolicyError) as raised:
        parse_policy(broken, "council.yaml")
    message = str(raised.value)
    assert "unknown outcome 'signposted'" in message
    assert "keep must be" in message
    assert "trigger for referral_draft must be one of created, updated" in message
    assert "class 'keys': basis must say" in message
    assert message.startswith("council.yaml:")


def test_a_schedule_must_cover_every_outcome_and_every_record_type() -> None:
    text = Path(DEFAULT_SCHEDULE).read_text().replace("outcomes: [nfa, signpost]", "outcomes: [nfa]")
    text = text.replace("records: security_event", "records: idempotency_record")
    with pytest.raises(RetentionPolicyError) as raised:
        parse_policy(text)
    assert "no contact class covers the outcome 'signpost'" in str(raised.value)
    assert "idempotency_record needs exactly one class (found 2)" in str(raised.value)
    assert "security_event needs exactly one class (found 0)" in str(raised.value)


def test_due_dates_count_whole_years_and_days_from_the_trigger() -> None:
    policy = load_policy(None)
    by_id = {c.id: c for c in policy.classes}
    assert by_id["contact-child-in-need-or-protection"].due(date(2019, 4, 2)) == date(2044, 4, 2)
    assert by_id["contact-closed-at-front-door"].due(date(2024, 2, 29)) == date(2030, 2, 28)
    assert by_id["referral-draft"].due(date(2026, 11, 1)) == date(2026, 12, 1)


def test_a_contact_past_its_retention_is_destroyed_and_one_not_yet_due_is_not(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    by = staff_account(app)
    old = decided(client, partner, manager, "OLD", "Orla", "Oldham")
    recent = decided(client, partner, manager, "NEW", "Nina", "Newman")
    decided_years_ago(app, old["id"], 7)
    due = _review(app)
    assert [(d.record_id, d.class_id) for d in due] == [(old["id"], "contact-closed-at-front-door")]
    assert due[0].reference == old["reference"]
    done = _review_and_destroy(app, by)
    assert [d.record_id for d in done.destroyed] == [old["id"]]
    assert client.get(f"/api/v1/contacts/{old['id']}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/contacts/{recent['id']}", headers=manager).status_code == 200


def test_the_class_that_keeps_longest_decides_and_a_child_in_need_waits_for_the_25th_birthday(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    abuse = decided(client, partner, manager, "SA", "Sam", "Ash", categories=("sexual_abuse",))
    in_need = decided(client, partner, manager, "CIN", "Cal", "Inn", born="2002-06-01", outcome="assessment")
    grown = decided(client, partner, manager, "OLDCIN", "Gus", "Grown", born="2000-01-01", outcome="early_help")
    for contact in (abuse, in_need, grown):
        decided_years_ago(app, contact["id"], 20)
    due = _review(app)
    assert [(d.record_id, d.class_id, d.trigger_date) for d in due] == [
        (grown["id"], "contact-child-in-need-or-protection", date(2000, 1, 1))
    ]


def test_a_held_contact_is_neither_listed_nor_destroyed_until_the_hold_is_lifted(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    by = staff_account(app)
    held = decided(client, partner, manager, "HELD", "Hana", "Held")
    decided_years_ago(app, held["id"], 7)
    session = _session(app)
    try:
        hold = legal_holds.place(session, held["reference"], "Subject access request 2026/113 is open", by)
        assert _review(app) == []
        legal_holds.lift(session, hold.id, "The request was answered", by)
        with pytest.raises(retention.UserInvalid):
            legal_holds.lift(session, hold.id, "again", by)
        run = retention.review(session, app.extensions["mash.retention_policy"])
        again = legal_holds.place(session, held["id"], "A complaint arrived after the review", by)
        policy = app.extensions["mash.retention_policy"]
        skipped = retention.destroy(session, policy, run.id, by, app.extensions["mash.relay"].runner.forget)
        assert (skipped.destroyed, skipped.skipped) == ([], 1)
        legal_holds.lift(session, again.id, "The complaint was closed", by)
        assert [d.record_id for d in _review_and_destroy(app, by).destroyed] == [held["id"]]
        with session.begin():
            actions = session.execute(
                select(AuditEvent.action, AuditEvent.user_id).where(AuditEvent.contact_id == held["id"])
            ).all()
            officer = session.execute(select(User.id).where(User.email == by)).scalar_one()
    finally:
        session.close()
    kept = [action for action, user in actions if action.startswith("retention.") and user == officer]
    assert kept == [
        "retention.hold",
        "retention.hold_lifted",
        "retention.hold",
        "retention.hold_lifted",
        "retention.destroy",
    ]


def test_a_review_is_carried_out_once_and_only_by_active_staff(
    app: Flask, client: FlaskClient, partner, manager
) -> None:
    by = staff_account(app)
    old = decided(client, partner, manager, "ONCE", "Olly", "Once")
    decided_years_ago(app, old["id"], 7)
    session = _session(app)
    try:
        run_id = retention.review(session, app.extensions["mash.retention_policy"]).id
        policy, forget = app.extensions["mash.retention_policy"], app.extensions["mash.relay"].runner.forget
        with pytest.raises(retention.UserInvalid, match="not an active member of staff"):
            retention.destroy(session, policy, run_id, "PC Jane Smith", forget)
        retention.destroy(session, policy, run_id, by, forget)
        with pytest.raises(retention.UserInvalid, match="was carried out"):
            retention.destroy(session, policy, run_id, by, forget)
    finally:
        session.close()


def test_drafts_idempotency_records_and_security_events_keep_their_own_clocks(app: Flask) -> None:
    by = staff_account(app)
    now = utcnow()
    session = _session(app)
    try:
        with session.begin():
            user_id = session.execute(select(User.id).where(User.email == by)).scalar_one()
            old, fresh = now - timedelta(days=400), now - timedelta(days=2)
            session.add_all(
                [
                    ReferralDraft(id="d-old", user_id=user_id, answers={}, created_at=old, updated_at=old),
                    ReferralDraft(id="d-new", user_id=user_id, answers={}, created_at=old, updated_at=fresh),
                    IdempotencyRecord(
                        id="k-old", organisation="Met", key="k", request_hash="h", state="completed",
                        locked_until=old, created_at=old,
                    ),
                    SecurityEvent(id="s-old", at=old, kind="token.refused"),
                    SecurityEvent(id="s-new", at=fresh, kind="token.refused"),
                    SignInAttempt(id="a-old", at=old, succeeded=False, reason="wrong_password"),
                ]
            )  # fmt: skip
    finally:
        session.close()
    done = _review_and_destroy(app, by)
    assert sorted((d.record_type, d.record_id) for d in done.destroyed) == [
        ("idempotency_record", "k-old"),
        ("referral_draft", "d-old"),
        ("security_event", "s-old"),
        ("sign_in_attempt", "a-old"),
    ]
    assert tables_naming(app, "d-old", "k-old", "s-old", "a-old") == {}
    assert tables_naming(app, "d-new", "s-new") == {"referral_drafts": 1, "security_events": 1}


def _furnish(app: Flask, client: FlaskClient, contact: dict, month: str, partner, manager, make_token) -> list[str]:  # type: ignore[type-arg]
    """Give a contact a row in every table that can name it: flags, shares, notes, oversight, a QA audit, a match,
    an allocation, a submitted draft, an idempotency record and a lifted hold; return the ids of its flags."""
    cid = contact["id"]
    therapist = {"Authorization": "Bearer " + make_token("therapist", name="Thea")}
    overseer = {"Authorization": "Bearer " + make_token("manager", name="Second Manager")}
    checks = {"agencies": ["police"], "purpose": "Risk to Orla", "legal_basis": "Children Act 1989 s47"}
    for path, headers, body in (
        ("flags", therapist, {"note": "Consult on Orla"}),
        ("checks", manager, checks),
        ("information", partner, {"text": "Orla said more"}),
        ("consent", manager, {"status": "given", "detail": "Orla's mother agreed"}),
        ("oversight", overseer, {"agree": True}),
    ):
        answer = post_json(client, f"/api/v1/contacts/{cid}/{path}", headers, body)
        assert answer.status_code < 300, (path, answer.get_json())
    flags = [flag["id"] for flag in client.get(f"/api/v1/contacts/{cid}/flags", headers=manager).get_json()["items"]]
    session = _session(app)
    try:
        assert quality.draw_sample(session, None, month, 5, 0)
        with session.begin():
            user_id = session.execute(select(User.id).where(User.email == "records@council.example")).scalar_one()
            team = Team(name="Early Help", kind="early_help")
            member = TeamMember(team=team, name="Worker")
            session.add_all([team, member])
            session.flush()
            now = utcnow()
            session.add_all(
                [
                    Allocation(
                        contact_id=cid, team_id=team.id, member_id=member.id, children=1, allocated_by=user_id,
                        allocated_at=now, ended_at=now, end_reason="closed",
                    ),
                    ReferralDraft(user_id=user_id, answers={"child": "Orla"}, created_at=now, updated_at=now,
                                  contact_id=cid),
                    IdempotencyRecord(
                        organisation="Met", key="orla", request_hash="h", state="completed", locked_until=now,
                        created_at=now, contact_id=cid, response_body={"id": cid},
                    ),
                ]
            )  # fmt: skip
        hold = legal_holds.place(session, cid, "Checking Orla's file", "records@council.example")
        legal_holds.lift(session, hold.id, "Checked", "records@council.example")
    finally:
        session.close()
    return flags


def test_destruction_leaves_no_row_of_the_contact_in_any_table_and_the_audit_chain_holds(
    app: Flask, client: FlaskClient, partner, manager, make_token
) -> None:
    by = staff_account(app)
    old = decided(client, partner, manager, "GONE", "Orla", "Quillfeather", categories=("domestic_abuse",))
    sibling = decided(client, partner, manager, "KEPT", "Orla", "Quillfeather", categories=("neglect",))
    when = decided_years_ago(app, old["id"], 7)
    flags = _furnish(app, client, old, when.strftime("%Y-%m"), partner, manager, make_token)
    child_id = old["children"][0]["id"]
    assert set(tables_naming(app, old["id"], child_id, *flags)) >= {
        "contacts", "children", "referrers", "adults", "decisions", "oversights", "feedback", "flags", "flag_events",
        "information_sharing", "contact_information", "case_notes", "quality_audits", "recommendations",
        "child_matches", "allocations", "referral_drafts", "idempotency_records", "legal_holds", "outbox",
    }  # fmt: skip
    done = _review_and_destroy(app, by)
    assert [d.record_id for d in done.destroyed] == [old["id"]]
    # The information added after the decision became a contact of its own, which quotes the old reference.
    assert tables_naming(app, old["id"], child_id, *flags) == {}
    assert set(tables_naming(app, "Quillfeather", old["reference"], skip=())).isdisjoint(
        {"audit_events", "retention_reviews"}
    )
    assert tables_naming(app, sibling["id"])["contacts"] == 1
    session = _session(app)
    try:
        checked, broken = audit_chain.verify(session)
        with session.begin():
            destroyed = session.execute(
                select(AuditEvent.detail).where(AuditEvent.action == "retention.destroy")
            ).scalar_one()
    finally:
        session.close()
    assert broken is None and checked > 0
    assert destroyed == {
        "record_type": "contact",
        "record_id": old["id"],
        "class": "contact-closed-at-front-door",
        "review_id": destroyed["review_id"],
    }
