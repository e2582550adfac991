"""Flags for systemic consultation: raised on a contact by the therapist, followed, resolved; history appended."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, orm, text
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id

OPEN_ONLY = text("status = 'open'")


class Flag(Base):
    """A flag on a contact; only its status and resolution summary ever change, and each change appends an event."""

    __tablename__ = "flags"
    __table_args__ = (
        Index("ix_flags_raised_at_id", "raised_at", "id"),
        Index("ix_flags_status_raised_at", "status", "raised_at"),
        Index(
            "uq_flags_open_contact_id_kind",
            "contact_id",
            "kind",
            unique=True,
            sqlite_where=OPEN_ONLY,
            postgresql_where=OPEN_ONLY,
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))
    raised_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[FlagEvent]] = orm.relationship(
        back_populates="flag", order_by="FlagEvent.position", cascade="all, delete-orphan"
    )


class FlagEvent(Base):
    """One step in a flag's history, numbered from 0 in the order it happened; appended, never changed."""

    __tablename__ = "flag_events"
    __table_args__ = (UniqueConstraint("flag_id", "position"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    flag_id: Mapped[str] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"))
    position: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    consultation_date: Mapped[date | None] = mapped_column(Date)
    participants: Mapped[list[str] | None] = mapped_column(JSONDocument)
    agreed: Mapped[str | None] = mapped_column(Text)

    flag: Mapped[Flag] = orm.relationship(back_populates="events")
