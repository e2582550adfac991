"""Idempotency keys: one row per organisation and key, claimed before the work and completed with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id


class IdempotencyRecord(Base):
    """A request made under an Idempotency-Key and, once done, the response it got."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("organisation", "key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None]
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    contact_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
