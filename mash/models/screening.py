"""The screening's recommendation for a contact: one per contact, replaced if the contact is screened again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id


class Recommendation(Base):
    """What the rules recommend for a contact, why, by when, and which team could take it."""

    __tablename__ = "recommendations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(30))
    rag: Mapped[str] = mapped_column(String(10), index=True)
    level: Mapped[int]
    decision_due_by: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    children: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    checks: Mapped[list[str]] = mapped_column(JSONDocument)
    rulebook_version: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    team_note: Mapped[str | None] = mapped_column(String(300))
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime)
