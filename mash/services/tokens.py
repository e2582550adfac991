"""API tokens over their life: when one issued now expires, the list of them, and revoking one at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.models import ApiToken, User
from mash.services.users import UserInvalid


@dataclass(frozen=True)
class TokenRow:
    """One token as the list shows it (never the token itself)."""

    id: str
    user: str
    role: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        """Say whether the token works now: live, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "live"


def expiry(days: int) -> datetime | None:
    """Return when a token issued now expires (`days` 0: never)."""
    return utcnow() + timedelta(days=days) if days else None


def list_tokens(session: Session) -> list[TokenRow]:
    """List every token, newest first, with its account, expiry, last use and revocation."""
    with session.begin():
        read_only(session)
        rows = session.execute(
            select(ApiToken, User.email, User.name, User.role)
            .join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        ).all()
    return [
        TokenRow(t.id, email or name, role, t.created_at, t.expires_at, t.last_used_at, t.revoked_at)
        for t, email, name, role in rows
    ]


def revoke(session: Session, token_id: str) -> TokenRow:
    """Revoke one token at once (its account's other tokens keep working)."""
    now = utcnow()
    with session.begin():
        found = session.execute(
            select(ApiToken, User.email, User.name, User.role)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.id == token_id)
        ).first()
        if found is None:
            raise UserInvalid(f"no token {token_id!r}")
        token, email, name, role = found
        if token.revoked_at is None:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=now))
            token.revoked_at = now
    return TokenRow(
        token.id, email or name, role, token.created_at, token.expires_at, token.last_used_at, token.revoked_at
    )
