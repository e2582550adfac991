"""Retention: legal holds that stop destruction, and reviews that list what is due before anything is destroyed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, orm
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, UTCDateTime, new_id


class LegalHold(Base):
    """A hold on a contact (and so on its children) that stops its destruction until it is lifted."""

    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lift_reason: Mapped[str | None] = mapped_column(Text)


class RetentionReview(Base):
    """One listing of the records due for destruction; its items are destroyed only by naming it."""

    __tablename__ = "retention_reviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    policy_version: Mapped[str] = mapped_column(String(40))
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    destroyed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))

    items: Mapped[list[RetentionReviewItem]] = orm.relationship(
        back_populates="review", order_by="RetentionReviewItem.due_date", cascade="all, delete-orphan"
    )


class RetentionReviewItem(Base):
    """A record a review found due: its type, id and reference, class and dates; kept as the register of what was
    destroyed (ids and classes only, never personal data)."""

    __tablename__ = "retention_review_items"
    __table_args__ = (UniqueConstraint("review_id", "record_type", "record_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    review_id: Mapped[str] = mapped_column(ForeignKey("retention_reviews.id", ondelete="CASCADE"))
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(36))
    reference: Mapped[str | None] = mapped_column(String(20))
    class_id: Mapped[str] = mapped_column(String(60))
    trigger_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review: Mapped[RetentionReview] = orm.relationship(back_populates="items")
