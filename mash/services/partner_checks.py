"""Calling partner agencies for MASH checks: which are configured, who to ask about, and shared circuit breakers.

RQ's default worker forks a work-horse per job, so a circuit breaker held in memory would start closed for every
check and never open. The breakers are kept in the database instead, one row per agency, read and changed under a
row lock in short transactions of their own, so that every process and every work-horse shares them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from integrations import CheckResult, CircuitBreaker, Subject, build_clients, require_client
from integrations.base import BreakerState
from mash.models import Child, PartnerCircuit
from mash.settings import PartnerSettings, Settings

Clock = Callable[[], datetime]


def partner_settings(settings: Settings, agency: str) -> PartnerSettings:
    """Return where an agency's system answers and the token it expects."""
    return {"police": settings.police, "health": settings.health, "education": settings.education}[agency]


def is_configured(settings: Settings, agency: str) -> bool:
    """Say whether an agency has both a URL and a token, so that it can be asked at all."""
    partner = partner_settings(settings, agency)
    return bool(partner.url and partner.token)


def subject_of(child: Child) -> Subject:
    """Return the child as partners search for them: only the details they match on."""
    return Subject(
        first_name=child.first_name or "",
        last_name=child.last_name or "",
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number,
        postcode=child.postcode,
        address_line_1=(child.address or {}).get("line_1"),
        school=child.school_or_setting,
    )


def ask(session: Session, agency: str, subject: Subject, settings: Settings, clock: Clock) -> CheckResult:
    """Ask one agency about a child through its client, guarded by the agency's shared breaker (session idle)."""
    partner = partner_settings(settings, agency)
    breaker = StoredBreaker(
        session, agency, settings.partner_breaker_failures, settings.partner_breaker_reset_seconds, clock
    )
    clients = build_clients(
        {agency: (partner.url, partner.token)}, settings.partner_timeout_seconds, breakers={agency: breaker}
    )
    client = require_client(clients, agency)
    try:
        return client.check(subject)
    finally:
        close = getattr(client, "close", None)
        if callable(close):
            close()


class StoredBreaker(CircuitBreaker):
    """A circuit breaker kept in the database, so that every process and every forked work-horse shares it."""

    def __init__(self, session: Session, agency: str, failures: int, reset_seconds: float, clock: Clock) -> None:
        super().__init__(failures, reset_seconds)
        self.session = session
        self.agency = agency
        self.reset = timedelta(seconds=reset_seconds)
        self.now = clock

    def _row(self) -> PartnerCircuit:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(
            insert(PartnerCircuit).values(agency=self.agency, state="closed", failures=0).on_conflict_do_nothing()
        )
        query = select(PartnerCircuit).where(PartnerCircuit.agency == self.agency)
        if dialect == "postgresql":
            query = query.with_for_update()
        return self.session.execute(query.execution_options(populate_existing=True)).scalar_one()

    @property
    def state(self) -> BreakerState:
        """Return closed, open, or half_open once the reset time has passed or a trial call is under way."""
        with self.session.begin():
            row = self._row()
            if row.state == "open" and row.opened_at and self.now() - row.opened_at >= self.reset:
                return "half_open"
            return cast(BreakerState, row.state)

    def allow(self) -> bool:
        """Return whether a call may go ahead now; once the reset time has passed, let one trial call through."""
        with self.session.begin():
            row = self._row()
            now = self.now()
            if row.state == "closed":
                return True
            if row.state == "open" and row.opened_at and now - row.opened_at < self.reset:
                return False
            if row.state == "half_open" and row.trial_started_at and now - row.trial_started_at < self.reset:
                return False
            row.state, row.trial_started_at = "half_open", now
            return True

    def record_success(self) -> None:
        """Close the breaker and forget earlier failures."""
        with self.session.begin():
            row = self._row()
            row.state, row.failures = "closed", 0

    def record_failure(self) -> None:
        """Count a failure; open the breaker at the threshold, or reopen it when the trial call failed."""
        with self.session.begin():
            row = self._row()
            if row.state == "closed":
                row.failures += 1
            if row.state == "half_open" or row.failures >= self.failure_threshold:
                row.state, row.opened_at, row.failures = "open", self.now(), 0
