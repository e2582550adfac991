"""A contact about one or more children, with its referrer, children and adults."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, orm
from sqlalchemy.orm import Mapped, mapped_column

from mash.db import Base, JSONDocument, UTCDateTime, new_id


class Contact(Base):
    """What a referrer told the front door, as received, and where it stands now."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_received_at_id", "received_at", "id"),
        Index("ix_contacts_organisation_id_received_at", "organisation_id", "received_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    organisation: Mapped[str] = mapped_column(String(200))  # its name when the contact came
    # Every contact has one (`mash.services.contacts`); NULL and no foreign key as for `User.organisation_id`.
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    submitted_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    agency_type: Mapped[str] = mapped_column(String(40), index=True)
    source_code: Mapped[str] = mapped_column(String(4))
    external_reference: Mapped[str | None] = mapped_column(String(200))
    duplicate_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    immediate_danger: Mapped[bool] = mapped_column(default=False)
    consent_status: Mapped[str] = mapped_column(String(20))
    consent_reason: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSONDocument)
    indicators: Mapped[list[str]] = mapped_column(JSONDocument)
    summary: Mapped[str] = mapped_column(Text)
    worries: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A restricted contact opens to caseworkers only by break-glass (`mash.services.restriction`).
    restriction: Mapped[str | None] = mapped_column(String(20))
    restriction_reason: Mapped[str | None] = mapped_column(Text)
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    restricted_by_id: Mapped[str | None] = mapped_column(String(36))

    referrer: Mapped[Referrer] = orm.relationship(back_populates="contact", cascade="all, delete-orphan")
    children: Mapped[list[Child]] = orm.relationship(
        back_populates="contact", order_by="Child.position", cascade="all, delete-orphan"
    )
    adults: Mapped[list[Adult]] = orm.relationship(
        back_populates="contact", order_by="Adult.position", cascade="all, delete-orphan"
    )
    information: Mapped[list[ContactInformation]] = orm.relationship(
        back_populates="contact", order_by="ContactInformation.added_at", cascade="all, delete-orphan"
    )


class Referrer(Base):
    """The person who made the contact, as they described themselves."""

    __tablename__ = "referrers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    agency_type: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    external_reference: Mapped[str | None] = mapped_column(String(200))

    contact: Mapped[Contact] = orm.relationship(back_populates="referrer")


class Child(Base):
    """A child named on a contact (born or unborn)."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("contact_id", "position"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    expected_date_of_delivery: Mapped[date | None] = mapped_column(Date)
    # No longer written or read (its keys are in `ChildKey`); kept until a later migration drops it, so that the
    # version before migration 0018 can go on writing children while it is upgraded.
    surname_year: Mapped[str | None] = mapped_column(String(40), index=True)
    gender: Mapped[str] = mapped_column(String(10), default="unknown")
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    postcode: Mapped[str | None] = mapped_column(String(10))
    school_or_setting: Mapped[str | None] = mapped_column(String(200))
    ethnicity: Mapped[str | None] = mapped_column(String(10))
    first_language: Mapped[str | None] = mapped_column(String(100))
    disability: Mapped[bool | None]

    contact: Mapped[Contact] = orm.relationship(back_populates="children")
    keys: Mapped[list[ChildKey]] = orm.relationship(cascade="all, delete-orphan", passive_deletes=True)


class ChildKey(Base):
    """A blocking key of a child (`mash.matching.keys`): the children who share one are worth scoring as one."""

    __tablename__ = "child_keys"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), primary_key=True, index=True)


class Adult(Base):
    """An adult named on a contact: a parent, carer, or someone else around the child."""

    __tablename__ = "adults"
    __table_args__ = (UniqueConstraint("contact_id", "position"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    relationship: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    lives_with_child: Mapped[bool | None]

    contact: Mapped[Contact] = orm.relationship(back_populates="adults")


class ContactInformation(Base):
    """Information added to a contact after it arrived, kept beside the original and never overwriting it."""

    __tablename__ = "contact_information"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    indicators: Mapped[list[str]] = mapped_column(JSONDocument)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contact: Mapped[Contact] = orm.relationship(back_populates="information")


class ReferenceCounter(Base):
    """The last reference number issued in a year; bumped in the contact's own transaction."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)
