"""Contact references MASH-YYYY-NNNNNN: unique, and increasing within a year."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mash.models import ReferenceCounter


def next_reference(session: Session, year: int) -> str:
    """Issue the next reference for the year, inside the caller's transaction (the counter row is locked)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(ReferenceCounter).values(year=year, last_value=0).on_conflict_do_nothing(index_elements=["year"])
    )
    value = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .returning(ReferenceCounter.last_value)
    ).scalar_one()
    return f"MASH-{year}-{value:06d}"
