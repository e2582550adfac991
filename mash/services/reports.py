"""Statutory returns: Ofsted Annex A List 1 (contacts), one row per child per contact."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.models import Child, Contact
from mash.problems import InvalidFields
from mash.services import audit
from mash.services.callers import Caller, Permission

ANNEX_A_LIST_1 = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
)
GENDER_CODES = {"male": "Male", "female": "Female", "other": "Other", "unknown": "Not known"}
MAX_RANGE_DAYS = 400


def _age(born: date | None, on: date) -> str:
    if born is None:
        return ""
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def annex_a_contacts(session: Session, caller: Caller, received_from: datetime, received_to: datetime) -> Iterator[str]:
    """Yield Annex A List 1 as CSV lines for contacts received in [from, to); contact source as the CIN code."""
    caller.require(Permission.DOWNLOAD_RETURNS)
    if received_to <= received_from or (received_to - received_from).days > MAX_RANGE_DAYS:
        raise InvalidFields(
            "Choose a period that ends after it starts, of at most 400 days.",
            errors={"to": [f"Must be after 'from' and at most {MAX_RANGE_DAYS} days later."]},
        )
    with session.begin():
        rows = session.execute(
            select(Child, Contact.received_at, Contact.source_code, Contact.id)
            .join(Contact, Contact.id == Child.contact_id)
            .where(Contact.received_at >= received_from, Contact.received_at < received_to)
            .order_by(Contact.received_at, Contact.id, Child.position)
        ).all()
        audit.record(session, caller, "report.annex_a_contacts", sorted({row[3] for row in rows}))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ANNEX_A_LIST_1)
    for child, received_at, source, _ in rows:
        on = received_at.date()
        writer.writerow(
            (
                child.id,
                GENDER_CODES.get(child.gender, GENDER_CODES["unknown"]),
                child.ethnicity or "NOBT",
                child.date_of_birth.strftime("%d/%m/%Y") if child.date_of_birth else "",
                _age(child.date_of_birth, on),
                on.strftime("%d/%m/%Y"),
                source,
            )
        )
    yield buffer.getvalue()
