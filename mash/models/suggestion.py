"""Suggested indicators and categories: what the narrative reader found in a contact's words, as staff see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id


class Suggestion(Base):
    """One indicator or category found in the words, with its sentence; confirmed or dismissed by staff."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("contact_id", "kind", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(String(20))
    sentence: Mapped[str] = mapped_column(Text)
    term: Mapped[str] = mapped_column(String(200))
    reader_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
