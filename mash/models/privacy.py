"""The privacy officer's list: each break-glass opening of a restricted contact, and each restriction placed or
lifted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id


class PrivacyEvent(Base):
    """One break-glass opening (who, when, which contact, why, until when) or one restriction placed or lifted.

    Like the audit trail, a row names its contact by id without a foreign key, so the list outlives the record.
    """

    __tablename__ = "privacy_events"
    __table_args__ = (
        Index("ix_privacy_events_at_id", "at", "id"),
        Index("ix_privacy_events_contact_id_user_id", "contact_id", "user_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[str] = mapped_column(String(36))
    reference: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
