"""Users of the service and their API tokens (stored only as hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mash.db import Base, UTCDateTime, new_id, utcnow
from mash.models.organisation import Organisation


class User(Base):
    """A person or a partner system that calls the API."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # Every account has one (`mash.services.users`); the column takes NULL and names no foreign key only because
    # SQLite adds, and drops, such a column in place only so, and copying the users table is refused.
    organisation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    oauth_client_id: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")
    organisation_record: Mapped[Organisation | None] = relationship(
        primaryjoin="foreign(User.organisation_id) == Organisation.id", lazy="joined"
    )

    @property
    def organisation(self) -> str:
        """The name of the account's organisation."""
        return self.organisation_record.name if self.organisation_record else ""

    @property
    def agency_type(self) -> str | None:
        """The agency type of the account's organisation (None for the council's own)."""
        return self.organisation_record.agency_type if self.organisation_record else None


class ApiToken(Base):
    """A bearer token; only its SHA-256 digest is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class SignInAttempt(Base):
    """One attempt to sign in with a password: who (when the email is known), when, and whether it worked."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    succeeded: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))


class SecurityEvent(Base):
    """A security-relevant event at the door, such as a refused API token, with the client's address."""

    __tablename__ = "security_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str | None] = mapped_column(String(36))
    client_address: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
