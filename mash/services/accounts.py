"""People's accounts: email and password sign-in with lockout, and the administrators' account tasks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.models import ApiToken, SignInAttempt, User
from mash.services import passwords
from mash.services.callers import Caller
from mash.services.users import TOKEN_PREFIX, UserInvalid, hash_token


class SignInRefused(Exception):
    """The email and password did not sign anybody in; `locked` says the account is locked for a while."""

    def __init__(self, locked: bool) -> None:
        super().__init__("locked" if locked else "refused")
        self.locked = locked


@dataclass(frozen=True)
class SignedIn:
    """The person who signed in, and when their password last changed (a later change ends the session)."""

    caller: Caller
    password_changed_at: datetime | None


def normalise_email(email: str) -> str:
    """Return an email address as it is stored and looked up."""
    return email.strip().casefold()


def _find(session: Session, email_or_name: str) -> User:
    key = email_or_name.strip()
    found = list(
        session.execute(select(User).where(or_(User.email == normalise_email(key), User.name == key))).scalars()
    )
    if len(found) != 1:
        raise UserInvalid(f"no single user is called {key!r}" if found else f"no user {key!r}")
    return found[0]


def sign_in(
    session: Session,
    email: str,
    password: str,
    *,
    max_failures: int,
    lockout_minutes: int,
    request_id: str | None = None,
    client_address: str | None = None,
) -> SignedIn:
    """Check an email and password; count failures, lock the account after too many, record every attempt with
    the client's address."""
    now = utcnow()
    with session.begin():
        user = session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()
        matches = passwords.verify(user.password_hash if user else None, password)
        if user is None or not user.active:
            reason, raise_after = ("unknown" if user is None else "inactive"), SignInRefused(locked=False)
        elif user.locked_until is not None and user.locked_until > now:
            reason, raise_after = "locked", SignInRefused(locked=True)
        elif not matches:
            user.failed_sign_ins += 1
            locking = user.failed_sign_ins >= max_failures
            if locking:
                user.locked_until = now + timedelta(minutes=lockout_minutes)
                user.failed_sign_ins = 0
            reason, raise_after = "password", SignInRefused(locked=locking)
        else:
            user.failed_sign_ins = 0
            user.locked_until = None
            if user.password_hash and passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
            session.add(_attempt(now, user.id, "ok", client_address, request_id))
            return SignedIn(Caller.of(user, request_id=request_id), user.password_changed_at)
        session.add(_attempt(now, user.id if user else None, reason, client_address, request_id))
    raise raise_after


def _attempt(
    at: datetime, user_id: str | None, reason: str, client_address: str | None, request_id: str | None
) -> SignInAttempt:
    return SignInAttempt(
        at=at,
        client_address=client_address,
        request_id=request_id,
        user_id=user_id,
        succeeded=reason == "ok",
        reason=reason,
    )


def session_caller(
    session: Session, user_id: str, password_changed_at: str | None, *, request_id: str | None = None
) -> Caller | None:
    """Return who a browser session belongs to, or None if they were deactivated or changed password since."""
    with session.begin():
        read_only(session)
        user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    changed = user.password_changed_at.isoformat() if user.password_changed_at else None
    return Caller.of(user, request_id=request_id) if changed == password_changed_at else None


def set_password(session: Session, email_or_name: str, password: str) -> User:
    """Give an account a new password (ending its browser sessions and any lockout)."""
    wrong = passwords.problem(password)
    if wrong:
        raise UserInvalid(wrong)
    with session.begin():
        user = _find(session, email_or_name)
        user.password_hash = passwords.hash_password(password)
        user.password_changed_at = utcnow()
        user.failed_sign_ins = 0
        user.locked_until = None
    return user


def list_users(session: Session) -> list[User]:
    """Return every account, staff first by role then by name."""
    with session.begin():
        read_only(session)
        return list(session.execute(select(User).order_by(User.role, User.name)).scalars())


def deactivate(session: Session, email_or_name: str) -> User:
    """Stop an account signing in or calling the API, at once."""
    with session.begin():
        user = _find(session, email_or_name)
        user.active = False
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    return user


def rotate_token(session: Session, email_or_name: str, *, expires_at: datetime | None = None) -> tuple[User, str]:
    """Revoke an account's API tokens and issue a new one (expiring when given), returned once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with session.begin():
        user = _find(session, email_or_name)
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), expires_at=expires_at))
    return user, token


def get_user(session: Session, user_id: str) -> User | None:
    """Return one account by id."""
    with session.begin():
        read_only(session)
        return session.get(User, user_id)
