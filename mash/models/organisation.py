"""Organisations: the partner agencies whose accounts refer children, and the council's own, to which every member of
staff and every contact entered by staff belongs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id, utcnow


class Organisation(Base):
    """An organisation; its name is unique whatever its case (`name_key` is the name case-folded)."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    agency_type: Mapped[str | None] = mapped_column(String(40))  # None for the council's own
    council: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
