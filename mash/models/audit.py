"""The audit trail: who read or changed which contact, when, in what role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id


class AuditEvent(Base):
    """One read or write of a child's record; appended, never changed.

    Events form a hash chain in `seq` order: `hash` is the SHA-256 of `prev_hash` (the hash of the event before) and
    this event's own fields, so an edited or deleted event breaks the chain (`mash audit verify`). On PostgreSQL
    triggers refuse UPDATE and DELETE on the table.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_contact_id_at", "contact_id", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    contact_id: Mapped[str | None] = mapped_column(String(36))
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
