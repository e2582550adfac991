"""Casework on a contact after it arrived: notes, consent recorded later, reopenings, and allocation to a worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id


class CaseNote(Base):
    """A note staff wrote on a contact; consent recorded after arrival and reopenings are notes of their own kind."""

    __tablename__ = "case_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)


class Allocation(Base):
    """A decided contact given to a team and one of its workers; ended when the work closes or moves."""

    __tablename__ = "allocations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    member_id: Mapped[str] = mapped_column(ForeignKey("team_members.id"), index=True)
    children: Mapped[int]
    allocated_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
