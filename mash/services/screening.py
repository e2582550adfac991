"""Screen a contact: the rules' recommendation, its deadline and routing, stored once however often it runs."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from functools import cache
from typing import Any

import structlog
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from mash.db import utcnow
from mash.job_names import RESCREEN_CONTACT, SCREEN_CONTACT
from mash.models import Contact, Recommendation, Team
from mash.problems import ContactNotFound
from mash.screening.clock import WorkingCalendar
from mash.screening.engine import ScreeningResult, screen
from mash.screening.narrative import load_reader
from mash.screening.rulebook import (
    Rulebook,
    RulebookError,
    default_rulebook,
    load_council_rulebook,
    require_statutory_floors,
)
from mash.services import audit, matching, outbox, sharing, suggestions, teams
from mash.services.contacts import lock_contact
from mash.services.screening_input import contact_input, histories
from mash.settings import Settings

log = structlog.get_logger(__name__)


@cache
def rulebook_for(path: str | None) -> Rulebook:
    """Return the configured rulebook, or the default one."""
    return load_council_rulebook(path) if path else default_rulebook()


@cache
def calendar() -> WorkingCalendar:
    """Return the England and Wales working calendar."""
    return WorkingCalendar()


def _reasons(result: ScreeningResult) -> list[dict[str, str]]:
    return [asdict(reason) for reason in result.reasons]


def _children(contact: Contact, result: ScreeningResult) -> list[dict[str, Any]]:
    return [
        {
            "child_id": contact.children[child.index].id,
            "outcome": child.outcome,
            "rag": child.rag,
            "level": child.level,
            "reasons": [asdict(reason) for reason in child.reasons],
        }
        for child in result.children
    ]


def _one_writer(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def screen_contact(session: Session, contact_id: str, settings: Settings, *, rescreen: bool = False) -> bool:
    """Screen a contact still awaiting it (or re-screen one awaiting a decision); return whether anything changed."""
    reader = load_reader(settings.narrative_terms_path)
    # Reading the words takes a few milliseconds. SQLite has one write lock for the whole database, so its words are
    # read before the transaction takes it; on PostgreSQL the transaction holds only the contact's row, which keeps
    # nobody else waiting, and reading them inside it saves a transaction of their own.
    early = suggestions.read_words(session, contact_id, reader) if _one_writer(session) else None
    with session.begin():
        contact = lock_contact(session, contact_id)
        if contact is None:
            return False
        wanted = ("received", "screening_failed", "awaiting_decision") if rescreen else ("received", "screening_failed")
        job = RESCREEN_CONTACT if rescreen else SCREEN_CONTACT
        if contact.status not in wanted:
            outbox.complete(session, job, contact.id)
            return False
        findings = early if early is not None else suggestions.read_contact(contact, reader)
        matching.suggest_matches(session, contact)
        now = utcnow()
        found = suggestions.refresh(session, contact, findings, reader.version, now)
        session.flush()
        result = screen(
            contact_input(contact, found),
            contact.received_at,
            histories(session, contact),
            rulebook_for(settings.rulebook_path),
        )
        disabled = any(child.disability for child in contact.children) or "disability" in contact.categories
        routing = teams.route(session, result.outcome, disabled, settings.caseload_cap)
        if contact.status == "awaiting_decision":  # a re-screening replaces the recommendation; a first one has none
            session.execute(delete(Recommendation).where(Recommendation.contact_id == contact.id))
        session.add(
            Recommendation(
                contact_id=contact.id,
                outcome=result.outcome,
                rag=result.rag,
                level=result.level,
                decision_due_by=calendar().decision_due_by(
                    contact.received_at, result.rag, settings.decision_timescales
                ),
                reasons=_reasons(result),
                children=_children(contact, result),
                checks=sorted(result.checks),
                rulebook_version=result.rulebook_version,
                team_id=routing.team.team_id if routing.team else None,
                team_note=routing.note,
                screened_at=now,
            )
        )
        if contact.status != "awaiting_decision":
            sharing.request_screening_checks(session, contact, result.outcome, result.rag, result.checks, settings, now)
        contact.status = "awaiting_decision"
        outbox.complete(session, job, contact.id, now=now)
        audit.record(session, None, "contact.rescreened" if rescreen else "contact.screened", [contact.id], at=now)
    return True


def screening_failed(session: Session, contact_id: str, error: str) -> None:
    """Mark a contact whose screening failed for good, so that it is seen and not silently stuck."""
    with session.begin():
        contact = lock_contact(session, contact_id)
        if contact is None or contact.status != "received":
            return
        contact.status = "screening_failed"
        outbox.fail(session, SCREEN_CONTACT, contact.id, error)
        audit.record(session, None, "contact.screening_failed", [contact.id], detail={"error": error[:200]})


def get_recommendation(session: Session, contact_id: str) -> tuple[Recommendation, str | None] | None:
    """Return a contact's recommendation and the name of its team, inside the caller's transaction."""
    row = session.execute(
        select(Recommendation, Team.name)
        .outerjoin(Team, Team.id == Recommendation.team_id)
        .where(Recommendation.contact_id == contact_id)
    ).first()
    return (row[0], row[1]) if row else None


def explain_contact(session: Session, key: str, settings: Settings) -> tuple[Contact, ScreeningResult, datetime]:
    """Run the rules again on a stored contact (by reference or id), without storing anything, for an explanation."""
    with session.begin():
        contact = session.execute(
            select(Contact)
            .where(or_(Contact.reference == key.strip().upper(), Contact.id == key.strip()))
            .options(selectinload(Contact.children))
        ).scalar_one_or_none()
        if contact is None:
            raise ContactNotFound(f"No contact with the reference or id {key!r}.")
        result = screen(
            contact_input(contact, suggestions.kept(session, contact.id)),
            contact.received_at,
            histories(session, contact),
            rulebook_for(settings.rulebook_path),
        )
        due = calendar().decision_due_by(contact.received_at, result.rag, settings.decision_timescales)
    return contact, result, due


def rescreen_failed(session: Session, contact_id: str, error: str) -> None:
    """Record that a re-screen failed for good; the contact keeps its earlier recommendation and stays in the queue."""
    with session.begin():
        outbox.fail(session, RESCREEN_CONTACT, contact_id, error)
        audit.record(session, None, "contact.rescreen_failed", [contact_id], detail={"error": error[:200]})


def warm_up(settings: Settings) -> None:
    """Load the rulebook, bank holidays and routing once, so that forked work-horses inherit them.

    Raises RulebookError when the configured rulebook weakens a statutory floor; an unreadable one is logged
    and fails each screening job until it is mended.
    """
    require_statutory_floors(settings.rulebook_path)
    try:
        rulebook_for(settings.rulebook_path)
    except RulebookError as exc:
        log.warning("rulebook_not_loaded", problems=len(exc.problems))
    today = utcnow().date()
    for year in (today.year, today.year + 1):
        calendar().is_working_day(date(year, 1, 2))
    teams.routing_table()
    load_reader(settings.narrative_terms_path)


def rehearse(factory: sessionmaker[Session], settings: Settings) -> bool:
    """Screen a stored contact again inside a transaction that is rolled back; return whether one was screened.

    A forked work-horse inherits what its parent has built. Rehearsed in the parent, a screening leaves the dialect
    connected and every statement of the job compiled, so each horse only opens its connection and runs them
    (compiling them anew cost every horse about 25 ms of CPU). Nothing is stored, queued or audited. The rehearsal
    waits for nobody: on PostgreSQL a contact another transaction holds is passed over, and on SQLite, while another
    process holds the write lock, there is no rehearsal; a failure is only logged.
    """
    engine = factory.kw["bind"]
    query = select(Contact.id).where(Contact.status.in_(("received", "awaiting_decision"))).limit(1)
    if engine.dialect.name == "postgresql":
        query = query.with_for_update(key_share=True, skip_locked=True)
    contact_id = None
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                # on the driver's connection, outside any transaction; it is closed with the engine below
                connection.connection.driver_connection.execute("PRAGMA busy_timeout=0")
            transaction = connection.begin()
            try:
                contact_id = connection.execute(query).scalar()
                if contact_id is not None:
                    with factory(bind=connection, join_transaction_mode="create_savepoint") as session:
                        screen_contact(session, contact_id, settings, rescreen=True)
            finally:
                transaction.rollback()
    except Exception as exc:
        log.warning("screening_rehearsal_failed", error_type=type(exc).__name__)
        contact_id = None
    engine.dispose()
    return contact_id is not None
