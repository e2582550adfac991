"""Ofsted Annex A Lists 1-3 as CSV, streamed a chunk at a time so that memory stays flat however long the period.

List 1 has a row per child per contact received in the period; List 2 a row per child whose contact was decided
in the period with early help; List 3 a row per child referred to children's social care in the period. Lists 2
and 3 follow each contact's latest decision (a reopened decision is followed by a new one). Dates are the days
things happened in England. Every contact whose children are written out is audited as read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import read_only
from mash.models import Child, Contact, Decision, Team
from mash.problems import InvalidFields
from mash.services import audit
from mash.services.callers import Caller, Permission
from mash.services.reports.guidance import LISTS, Guidance, guidance_for
from mash.services.reports.people import People, load_people
from mash.services.reports.period import Period, local_date
from mash.services.reports.standing import superseded

CHUNK_ROWS = 1000
FORGET_EVERY = 10_000  # referrals between forgetting the children not referred in the last year
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
FINAL_STATUSES = ("decided", "closed")
Row = tuple[str, ...]


def age_on(born: date | None, on: date) -> str:
    """Return a child's age in whole years on a day ('' when unborn or not known)."""
    if born is None or born > on:
        return ""
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def year_before(day: date) -> date:
    """Return the same day twelve months earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _child_columns(guidance: Guidance, people: People, row: Any, on: date) -> Row:
    return (
        people.identifier(row.child_id),
        guidance.gender_of(row.gender),
        guidance.ethnicity_of(row.ethnicity),
        guidance.day(row.date_of_birth),
        age_on(row.date_of_birth, on),
    )


def _child_and_contact() -> tuple[Any, ...]:
    """Return the columns every list reads of a child and its contact."""
    child = (Child.id.label("child_id"), Child.gender, Child.ethnicity, Child.date_of_birth)
    return (*child, Contact.id.label("contact_id"))


def _contacts_rows(session: Session, guidance: Guidance, people: People, span: Period) -> Iterator[tuple[str, Row]]:
    rows = session.execute(
        select(
            *_child_and_contact(),
            Contact.received_at,
            Contact.source_code,
        )
        .join(Contact, Contact.id == Child.contact_id)
        .where(Contact.received_at >= span.start, Contact.received_at < span.end)
        .order_by(Contact.received_at, Contact.id, Child.position),
        execution_options={"yield_per": CHUNK_ROWS},
    )
    for row in rows:
        on = local_date(row.received_at)
        child = _child_columns(guidance, people, row, on)
        yield row.contact_id, (*child, guidance.day(on), guidance.source_of(row.source_code))


def _decided(session: Session, start: datetime, end: datetime) -> Iterator[Any]:
    rows = session.execute(
        select(
            *_child_and_contact(),
            Contact.source_code,
            Decision.decided_at,
            Decision.children.label("outcomes"),
            Team.name.label("team"),
        )
        .join(Contact, Contact.id == Decision.contact_id)
        .join(Child, Child.contact_id == Contact.id)
        .outerjoin(Team, Team.id == Decision.team_id)
        .where(
            Decision.decided_at >= start,
            Decision.decided_at < end,
            Contact.status.in_(FINAL_STATUSES),
            ~superseded(),
        )
        .order_by(Decision.decided_at, Contact.id, Child.position),
        execution_options={"yield_per": CHUNK_ROWS},
    )
    for row in rows:
        outcome = next((c["outcome"] for c in row.outcomes if c["child_id"] == row.child_id), None)
        yield row, outcome


def _early_help_rows(session: Session, guidance: Guidance, people: People, span: Period) -> Iterator[tuple[str, Row]]:
    for row, outcome in _decided(session, span.start, span.end):
        if outcome in guidance.early_help_outcomes:
            on = local_date(row.decided_at)
            child = _child_columns(guidance, people, row, on)
            yield row.contact_id, (*child, guidance.day(on), "", row.team or guidance.early_help_organisation)


def _referral_rows(session: Session, guidance: Guidance, people: People, span: Period) -> Iterator[tuple[str, Row]]:
    recent: dict[str, tuple[date, ...]] = {}
    history_start = span.start - timedelta(days=367)
    referrals = 0
    for row, outcome in _decided(session, history_start, span.end):
        if outcome not in guidance.referral_outcomes:
            continue
        on = local_date(row.decided_at)
        year_ago = year_before(on)
        person = people.identifier(row.child_id)
        dates = (*(d for d in recent.get(person, ()) if d > year_ago), on)
        recent[person] = dates
        referrals += 1
        if referrals % FORGET_EVERY == 0:
            recent = {key: value for key, value in recent.items() if value[-1] > year_ago}
        if row.decided_at < span.start:
            continue
        yield (
            row.contact_id,
            (
                *_child_columns(guidance, people, row, on),
                guidance.day(on),
                guidance.source_of(row.source_code),
                guidance.referral_nfa["no"],
                str(len(dates)),
                row.team or guidance.not_allocated,
                guidance.not_allocated,
            ),
        )


ROWS = {"contacts": _contacts_rows, "early-help": _early_help_rows, "referrals": _referral_rows}


def spreadsheet_safe(cell: object) -> object:
    """Return a CSV cell that a spreadsheet will not run as a formula: text starting with = + - @, a tab or a carriage
    return gets a leading apostrophe (OWASP's advice); numbers, negative ones included, are left alone."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """Return rows as CSV text (CRLF line ends), every cell made spreadsheet-safe."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def annex_a(session: Session, caller: Caller | None, name: str, span: Period) -> Iterator[str]:
    """Check the caller and the list, then return Annex A list `name` as CSV text chunks (header first).

    `caller` is None only for the command line, which the operator of the service runs.
    """
    if caller is not None:
        caller.require(Permission.DOWNLOAD_RETURNS)
    if name not in LISTS:
        raise InvalidFields("No such Annex A list.", errors={"list": [f"One of {', '.join(LISTS)}."]})
    return _stream(session, caller, name, span)


def _stream(session: Session, caller: Caller | None, name: str, span: Period) -> Iterator[str]:
    guidance = guidance_for(span.last_day)
    writer = Session(session.get_bind(), autobegin=False, expire_on_commit=False)
    yield write_csv([guidance.columns[name]])
    try:
        with session.begin():
            read_only(session)
            people = load_people(session, span.end)
            chunk: list[Row] = []
            read: list[str] = []
            for contact_id, row in ROWS[name](session, guidance, people, span):
                chunk.append(row)
                if not read or read[-1] != contact_id:
                    read.append(contact_id)
                if len(chunk) >= CHUNK_ROWS:
                    _audit(writer, caller, name, read)
                    yield write_csv(chunk)
                    chunk, read = [], []
            _audit(writer, caller, name, read)
            yield write_csv(chunk)
    finally:
        writer.close()


def _audit(writer: Session, caller: Caller | None, name: str, contact_ids: list[str]) -> None:
    with writer.begin():
        audit.record(writer, caller, f"report.annex_a.{name}", contact_ids)
