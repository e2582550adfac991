"""The sharing service on a real database and the partner simulator over real HTTP: breaker, failures, ledger."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations import PartnerUnavailable
from mash.models import OutboxItem, SharingRecord
from mash.problems import InvalidFields
from mash.services import contacts, partner_checks, sharing
from mash.services.callers import Caller
from mash.services.sharing.checking import PERMANENT_ERRORS
from mash.services.sharing.shares import failure_summary
from mash.settings import Settings
from schemas.contacts import ContactCreateSchema
from tests.conftest import EXAMPLE_BODY, new_user
from tests.factories import AMIRA
from tests.partners import Simulator, answered_by

UNBORN = {"expected_date_of_delivery": "2027-03-01", "gender": "unknown"}


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def settings(settings: Settings, simulator: Simulator) -> Settings:
    """Every partner agency answering from the simulator; the breaker opens after two failures for 30 s."""
    return answered_by(
        settings,
        simulator,
        partner_timeout_seconds=0.5,
        partner_breaker_failures=2,
        partner_breaker_reset_seconds=30,
    )


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    factory = app.extensions["mash.sessionmaker"]
    opened: Session = factory()
    yield opened
    opened.close()


@pytest.fixture
def screener(session: Session) -> Caller:
    user, _ = new_user(session, "Screener", "screener")
    return Caller.of(user)


def new_contact(session: Session, child: dict[str, Any], consent: str = "given") -> str:
    """Store a contact about one child, as a police partner submits it (screening is left pending)."""
    user, _ = new_user(session, "PC", "partner", "Metropolitan Police", "police")
    body = copy.deepcopy(EXAMPLE_BODY)
    body["children"] = [copy.deepcopy(child)]
    body["consent"] = {"status": consent, "reason": None if consent == "given" else "Not yet asked"}
    caller = Caller.of(user)
    return contacts.submit_contact(session, caller, ContactCreateSchema().load(body)).contact_id


def ask(session: Session, caller: Caller, contact_id: str, settings: Settings, *agencies: str) -> list[str]:
    records = sharing.request_checks(
        session, caller, contact_id, agencies, "Decide next steps", "DPA 2018 Sch 1 para 18", None, settings
    )
    return [record.id for record in records]


def stored(session: Session, record_id: str) -> SharingRecord:
    with session.begin():
        record = session.execute(
            select(SharingRecord).where(SharingRecord.id == record_id).execution_options(populate_existing=True)
        ).scalar_one()
    return record


def answers_to(session: Session, record_id: str) -> list[SharingRecord]:
    with session.begin():
        return list(session.execute(select(SharingRecord).where(SharingRecord.request_id == record_id)).scalars())


def breaker_state(session: Session, settings: Settings, clock: Clock) -> str:
    breaker = partner_checks.StoredBreaker(
        session, "police", settings.partner_breaker_failures, settings.partner_breaker_reset_seconds, clock
    )
    return str(breaker.state)


def police_calls(simulator: Simulator) -> int:
    return sum(1 for request in simulator.requests() if request["agency"] == "police")


def test_breaker_opens_after_repeated_failures_and_closes_when_the_partner_recovers(
    session: Session, screener: Caller, settings: Settings, simulator: Simulator
) -> None:
    clock = Clock()
    contact_id = new_contact(session, AMIRA)
    (record_id,) = ask(session, screener, contact_id, settings, "police")
    simulator.control(mode="error", status=503, agencies=["police"])

    for _ in range(2):
        with pytest.raises(PartnerUnavailable):
            sharing.perform_check(session, record_id, settings, clock=clock)
    calls = police_calls(simulator)
    assert calls == 6  # two attempts, each with the adapter's own two quick retries
    assert breaker_state(session, settings, clock) == "open"

    with pytest.raises(PartnerUnavailable, match="circuit open"):
        sharing.perform_check(session, record_id, settings, clock=clock)
    assert police_calls(simulator) == calls

    clock.advance(31)
    assert breaker_state(session, settings, clock) == "half_open"
    with pytest.raises(PartnerUnavailable):
        sharing.perform_check(session, record_id, settings, clock=clock)
    assert police_calls(simulator) == calls + 3
    assert breaker_state(session, settings, clock) == "open"

    clock.advance(31)
    simulator.control(mode="normal")
    assert sharing.perform_check(session, record_id, settings, clock=clock)
    assert breaker_state(session, settings, clock) == "closed"
    record = stored(session, record_id)
    assert (record.status, record.attempts, record.answered_at) == ("answered", 5, clock.now)
    assert len(answers_to(session, record_id)) == 1


@pytest.mark.parametrize(
    ("mode", "error"),
    [("reject", "PartnerRejected"), ("invalid", "PartnerResponseInvalid"), ("malformed", "PartnerResponseInvalid")],
)
def test_a_permanent_partner_error_fails_the_check_at_once(
    session: Session, screener: Caller, settings: Settings, simulator: Simulator, mode: str, error: str
) -> None:
    contact_id = new_contact(session, AMIRA)
    (record_id,) = ask(session, screener, contact_id, settings, "health")
    simulator.control(mode=mode)

    assert sharing.perform_check(session, record_id, settings) is False
    assert sharing.perform_check(session, record_id, settings) is False

    record = stored(session, record_id)
    assert (record.status, record.last_error, record.attempts) == ("failed", error, 1)
    assert record.summary and "health" in record.summary
    assert answers_to(session, record_id) == []
    assert len(simulator.requests()) == 1
    with session.begin():
        item = session.execute(select(OutboxItem).where(OutboxItem.entity_id == record_id)).scalar_one()
    assert item.failed_at is not None


def test_a_child_without_the_details_a_partner_needs_fails_as_subject_incomplete(
    session: Session, screener: Caller, settings: Settings, simulator: Simulator
) -> None:
    contact_id = new_contact(session, UNBORN)
    (record_id,) = ask(session, screener, contact_id, settings, "education")

    assert sharing.perform_check(session, record_id, settings) is False

    record = stored(session, record_id)
    assert (record.status, record.last_error) == ("failed", "SubjectIncomplete")
    assert simulator.requests() == []


def test_an_answer_is_recorded_once_however_often_the_job_runs(
    session: Session, screener: Caller, settings: Settings, simulator: Simulator
) -> None:
    contact_id = new_contact(session, AMIRA)
    (record_id,) = ask(session, screener, contact_id, settings, "education")

    assert sharing.perform_check(session, record_id, settings) is True
    assert sharing.perform_check(session, record_id, settings) is False
    sharing.check_failed(session, record_id, "PartnerUnavailable")

    record = stored(session, record_id)
    assert (record.status, record.attempts) == ("answered", 1)
    (answer,) = answers_to(session, record_id)
    assert answer.direction == "received"
    assert "Attendance this academic year: 93.5%." in (answer.summary or "")
    assert len(simulator.requests()) == 1


def test_a_check_whose_retries_are_spent_stays_visible_as_failed(
    session: Session, screener: Caller, settings: Settings, simulator: Simulator
) -> None:
    contact_id = new_contact(session, AMIRA)
    (record_id,) = ask(session, screener, contact_id, settings, "police")
    simulator.control(mode="error", status=502)
    with pytest.raises(PartnerUnavailable):
        sharing.perform_check(session, record_id, settings)

    sharing.check_failed(session, record_id, "PartnerUnavailable")
    assert sharing.perform_check(session, record_id, settings) is False

    record = stored(session, record_id)
    assert (record.status, record.last_error, record.attempts) == ("failed", "PartnerUnavailable", 1)
    assert record.summary == "The police system could not be reached after 1 attempts."
    assert police_calls(simulator) == 3


def test_a_disclosure_is_written_in_the_callers_transaction(session: Session, screener: Caller) -> None:
    contact_id = new_contact(session, AMIRA, consent="not_sought")

    def disclose_then_fail() -> None:
        with session.begin():
            sharing.record_disclosure(session, screener, contact_id, "police", "Feedback", "Sch 1", "Outcome sent")
            raise RuntimeError("the disclosing action failed")

    with pytest.raises(RuntimeError):
        disclose_then_fail()
    with session.begin():
        assert session.execute(select(SharingRecord)).first() is None

    with session.begin():
        record = sharing.record_disclosure(
            session, screener, contact_id, "school", "Feedback to the referrer", "Sch 1 para 18", "Told: assessment"
        )
    with session.begin():
        (found,) = sharing.records(session, contact_id)
    assert found.id == record.id
    assert (found.direction, found.status, found.agency) == ("disclosed", "answered", "school")
    assert (found.consent_status, found.requested_by) == ("not_sought", screener.user_id)
    assert found.answered_at == found.requested_at


@pytest.mark.parametrize("blank", ["purpose", "legal_basis", "summary"])
def test_a_disclosure_needs_a_purpose_a_legal_basis_and_a_summary(
    session: Session, screener: Caller, blank: str
) -> None:
    contact_id = new_contact(session, AMIRA)
    values = {"purpose": "Feedback", "legal_basis": "Sch 1 para 18", "summary": "Told", blank: " "}

    with pytest.raises(InvalidFields) as raised, session.begin():
        sharing.record_disclosure(session, screener, contact_id, "police", **values)
    assert raised.value.errors == {blank: ["Required: every share is recorded with it."]}


def test_summaries_give_each_agencys_latest_answer(
    session: Session, screener: Caller, settings: Settings, simulator: Simulator
) -> None:
    contact_id = new_contact(session, AMIRA)
    first_police, health = ask(session, screener, contact_id, settings, "police", "health")
    for record_id in (first_police, health):
        assert sharing.perform_check(session, record_id, settings)
    (second_police,) = ask(session, screener, contact_id, settings, "police")

    with session.begin():
        summaries = {item["agency"]: item for item in sharing.summaries(sharing.records(session, contact_id))}

    assert list(summaries) == ["police", "health"]
    assert summaries["police"]["status"] == "pending"
    assert summaries["police"]["summary"] == answers_to(session, first_police)[0].summary
    assert summaries["health"]["status"] == "answered"
    assert "Elmfield Medical Practice" in summaries["health"]["summary"]
    assert second_police != first_police


def test_every_failure_a_check_can_end_in_has_its_own_words_for_staff() -> None:
    unknown = failure_summary("police", "unknown", 3)
    said = {failure_summary("police", error.code, 3) for error in (*PERMANENT_ERRORS, PartnerUnavailable)}
    assert unknown not in said and len(said) == 5
