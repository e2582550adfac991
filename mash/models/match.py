"""Links between a child on a new contact and children already known, suggested by scoring, confirmed by people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id


class ChildMatch(Base):
    """A possible or likely link from a child record to an earlier one, and what a screener made of it."""

    __tablename__ = "child_matches"
    __table_args__ = (UniqueConstraint("child_id", "known_child_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    known_child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[list[str]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(12), default="suggested")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatchEvent(Base):
    """One confirmation, rejection or undoing of a match; appended, never changed."""

    __tablename__ = "match_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    match_id: Mapped[str] = mapped_column(ForeignKey("child_matches.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(12))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
