"""Quality assurance audits: decided contacts drawn each month for a manager to grade."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id


class QualityAudit(Base):
    """One decided contact drawn into a month's sample, and the grade a manager gave its decision."""

    __tablename__ = "quality_audits"
    __table_args__ = (UniqueConstraint("month", "contact_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    month: Mapped[str] = mapped_column(String(7), index=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"))
    stratum: Mapped[str] = mapped_column(String(60))
    seed: Mapped[int]
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    grade: Mapped[str | None] = mapped_column(String(30))
    findings: Mapped[str | None] = mapped_column(Text)
    graded_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
