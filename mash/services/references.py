"""Contact references MASH-YYYY-NNNNNN: unique, and increasing within a year."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mash.models import ReferenceCounter


def next_reference(session: Session, year: int) -> str:
    """Issue the next reference for the year, inside the caller's transaction: one upsert that starts the year's
    counter or bumps it, holding the counter row until the transaction ends."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ReferenceCounter).values(year=year, last_value=1)
    value = session.execute(
        statement.on_conflict_do_update(
            index_elements=["year"], set_={"last_value": ReferenceCounter.last_value + 1}
        ).returning(ReferenceCounter.last_value)
    ).scalar_one()
    return f"MASH-{year}-{value:06d}"
