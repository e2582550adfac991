"""The information-sharing ledger: every request to a partner agency, every answer, every disclosure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id

DIRECTIONS = ("requested", "received", "disclosed")
STATUSES = ("pending", "answered", "failed", "overdue", "not_configured")
OPEN_STATUSES = ("pending", "overdue")


class SharingRecord(Base):
    """One share of information about a child: what, with whom, why, on what basis, when and by whom."""

    __tablename__ = "information_sharing"
    __table_args__ = (
        Index("ix_information_sharing_contact_id_requested_at", "contact_id", "requested_at"),
        Index("ix_information_sharing_status_due_by", "status", "due_by"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    child_id: Mapped[str | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    agency: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    consent_status: Mapped[str] = mapped_column(String(20))
    without_consent_reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(60))
    # A `received` record answers exactly one `requested` record: the unique key makes a second answer impossible.
    request_id: Mapped[str | None] = mapped_column(
        ForeignKey("information_sharing.id", ondelete="CASCADE"), unique=True
    )


class PartnerCircuit(Base):
    """The circuit breaker of one partner agency, shared by every web process, worker and work-horse."""

    __tablename__ = "partner_circuits"

    agency: Mapped[str] = mapped_column(String(20), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="closed")
    failures: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trial_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
