"""Triage: claims on contacts, decisions, management oversight, and feedback to referrers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id


class Claim(Base):
    """A screener's expiring hold on a contact, so that two screeners do not work the same one."""

    __tablename__ = "claims"

    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Decision(Base):
    """A screener's or manager's decision on a contact; appended, never changed (a reopened one is followed)."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_contact_id_decided_at", "contact_id", "decided_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    decided_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(30))
    rag: Mapped[str] = mapped_column(String(10))
    rationale: Mapped[str] = mapped_column(Text)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    children: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    override: Mapped[bool]
    recommended_outcome: Mapped[str | None] = mapped_column(String(30))
    recommended_rag: Mapped[str | None] = mapped_column(String(10))


class Oversight(Base):
    """A manager's sign-off of a decision, agreeing or disagreeing with a comment; appended, never changed."""

    __tablename__ = "oversights"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"))
    manager_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    agree: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)


class Feedback(Base):
    """What the referrer is told about a decision, and whether it reached them."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(30))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    due_by: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))


class NotificationEndpoint(Base):
    """Where a partner organisation takes feedback: a webhook of its own system."""

    __tablename__ = "notification_endpoints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
