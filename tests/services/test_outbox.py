"""The outbox on a real database: what is due, and marking items enqueued, done or failed, each only its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.job_names import RESCREEN_CONTACT, SCREEN_CONTACT
from mash.models import OutboxItem
from mash.services import outbox

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STALE = timedelta(minutes=5)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    session = app.extensions["mash.sessionmaker"]()
    yield session
    session.close()


def add(session: Session, job: str, entity_id: str, at: datetime, available: datetime | None = None) -> str:
    with session.begin():
        item = outbox.add(session, job, entity_id, now=at)
        item.available_at = available or at
        session.flush()
        return item.id


def items(session: Session) -> dict[str, OutboxItem]:
    with session.begin():
        found = {item.id: item for item in session.execute(select(OutboxItem)).scalars()}
        session.expunge_all()
    return found


def test_a_job_that_does_not_exist_is_refused_before_the_transaction_commits(session: Session) -> None:
    with pytest.raises(ValueError, match=r"^no job is named 'screen': name it from mash.job_names$"), session.begin():
        outbox.add(session, "screen", "contact-1")
    assert items(session) == {}


def test_due_are_pending_items_never_enqueued_or_enqueued_too_long_ago_oldest_first(session: Session) -> None:
    later = add(session, SCREEN_CONTACT, "c-later", T0 + timedelta(minutes=1), available=T0 - timedelta(minutes=1))
    first = add(session, SCREEN_CONTACT, "c-first", T0)
    lost = add(session, SCREEN_CONTACT, "c-lost", T0 + timedelta(minutes=2))
    queued = add(session, SCREEN_CONTACT, "c-queued", T0 + timedelta(minutes=3))
    just_in_time = add(session, SCREEN_CONTACT, "c-just", T0 + timedelta(minutes=4))
    add(session, SCREEN_CONTACT, "c-done", T0)
    add(session, SCREEN_CONTACT, "c-failed", T0)
    add(session, SCREEN_CONTACT, "c-future", T0 + timedelta(hours=2))
    now = T0 + timedelta(minutes=10)
    outbox.mark_enqueued(session, [lost], now=now - STALE - timedelta(seconds=1))
    outbox.mark_enqueued(session, [queued], now=now - STALE + timedelta(seconds=1))
    outbox.mark_enqueued(session, [just_in_time], now=now - STALE)
    with session.begin():
        outbox.complete(session, SCREEN_CONTACT, "c-done", now=now)
        outbox.fail(session, SCREEN_CONTACT, "c-failed", "PartnerUnavailable", now=now)

    assert [i.id for i in outbox.due(session, stale_after=STALE, now=now)] == [first, later, lost]
    assert [i.id for i in outbox.due(session, stale_after=STALE, now=now, limit=2)] == [first, later]
    assert [i.id for i in outbox.due(session, stale_after=STALE, now=T0)] == [first, later]


def test_the_sweep_takes_at_most_500_items_at_a_time(session: Session) -> None:
    with session.begin():
        for number in range(501):
            outbox.add(session, SCREEN_CONTACT, f"c-{number}", now=T0)

    assert len(outbox.due(session, stale_after=STALE, now=T0)) == 500


def test_marking_items_enqueued_counts_an_attempt_on_those_items_only(session: Session) -> None:
    one = add(session, SCREEN_CONTACT, "c-1", T0)
    two = add(session, SCREEN_CONTACT, "c-2", T0)
    outbox.mark_enqueued(session, [one], now=T0 + timedelta(seconds=5))
    outbox.mark_enqueued(session, [one], now=T0 + timedelta(seconds=9))
    outbox.mark_enqueued(session, [], now=T0)

    stored = items(session)
    assert (stored[one].attempts, stored[one].enqueued_at) == (2, T0 + timedelta(seconds=9))
    assert (stored[two].attempts, stored[two].enqueued_at) == (0, None)


def test_completing_or_failing_a_job_marks_only_that_jobs_pending_items_for_that_record(session: Session) -> None:
    earlier = add(session, SCREEN_CONTACT, "c-1", T0)
    with session.begin():
        outbox.complete(session, SCREEN_CONTACT, "c-1", now=T0 + timedelta(minutes=1))
    pending = add(session, SCREEN_CONTACT, "c-1", T0 + timedelta(minutes=2))
    rescreen = add(session, RESCREEN_CONTACT, "c-1", T0)
    other = add(session, SCREEN_CONTACT, "c-2", T0)
    with session.begin():
        outbox.fail(session, RESCREEN_CONTACT, "c-1", "x" * 300, now=T0 + timedelta(minutes=4))
        outbox.complete(session, SCREEN_CONTACT, "c-1", now=T0 + timedelta(minutes=3))
        outbox.fail(session, SCREEN_CONTACT, "c-1", "PartnerUnavailable", now=T0 + timedelta(minutes=5))

    stored = items(session)
    assert stored[earlier].completed_at == T0 + timedelta(minutes=1)
    assert stored[pending].completed_at == T0 + timedelta(minutes=3)
    assert (stored[rescreen].completed_at, stored[rescreen].failed_at) == (None, T0 + timedelta(minutes=4))
    assert stored[rescreen].last_error == "x" * 200
    assert (stored[other].completed_at, stored[other].failed_at) == (None, None)
    assert stored[pending].failed_at is None
