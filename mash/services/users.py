"""Users, their tokens, and who is calling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mash.db import read_only, utcnow
from mash.enums import AGENCY_TYPES, ROLES
from mash.models import ApiToken, Organisation, SecurityEvent, User
from mash.services import organisations
from mash.services.callers import PARTNER, Caller

TOKEN_PREFIX = "mash_"  # noqa: S105 (a prefix, not a secret)
TOKEN_REFUSED = "token.refused"  # noqa: S105 (an event name, not a secret)
LAST_USED_RESOLUTION = timedelta(minutes=1)  # a token's last use is written at most once a minute


class UserInvalid(ValueError):
    """The details given for a new user do not fit."""


def hash_token(token: str) -> str:
    """Return the digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(
    session: Session,
    name: str,
    role: str,
    organisation: str | None = None,
    agency_type: str | None = None,
    email: str | None = None,
    *,
    token_expires_at: datetime | None = None,
    oauth_client_id: str | None = None,
) -> tuple[User, str]:
    """Create a user with a fresh API token (expiring when given); return both (the token is never stored in clear).

    A partner system that calls with OAuth2 access tokens names its account by `oauth_client_id`. A partner belongs
    to an existing active partner organisation, named in any case, and takes its agency type from it (`agency_type`,
    when given, must be that one); staff belong to the council's own organisation.
    """
    if role not in ROLES:
        raise UserInvalid(f"role must be one of {', '.join(ROLES)}")
    if role == PARTNER and not organisation:
        raise UserInvalid("a partner needs --organisation")
    if agency_type is not None and agency_type not in AGENCY_TYPES:
        raise UserInvalid("the agency type must be one of the contract's agency types")
    if not name.strip():
        raise UserInvalid("a user needs a name")
    oauth_client_id = oauth_client_id.strip() if oauth_client_id else None
    if oauth_client_id is not None and role != PARTNER:
        raise UserInvalid("only a partner system has an OAuth client id (staff sign in through the identity provider)")
    email = email.strip().casefold() if email else None
    if email is not None and "@" not in email:
        raise UserInvalid("an email address needs an @")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with session.begin():
        if email is not None and session.execute(select(User.id).where(User.email == email)).first():
            raise UserInvalid("another account has that email address")
        if oauth_client_id and session.execute(select(User.id).where(User.oauth_client_id == oauth_client_id)).first():
            raise UserInvalid("another account has that OAuth client id")
        user = User(
            name=name,
            role=role,
            organisation_record=_organisation(session, role, organisation, agency_type),
            email=email,
            oauth_client_id=oauth_client_id,
        )
        user.tokens.append(ApiToken(token_hash=hash_token(token), expires_at=token_expires_at))
        session.add(user)
    return user, token


def _organisation(session: Session, role: str, name: str | None, agency_type: str | None) -> Organisation:
    if role != PARTNER:
        return organisations.council(session)
    found = organisations.find(session, name or "")
    if found is None or not found.active:
        raise UserInvalid(f"no active organisation named {name}: add it first (mash organisations add)")
    if found.council:
        raise UserInvalid("a partner account cannot belong to the council's own organisation")
    if agency_type is not None and agency_type != found.agency_type:
        raise UserInvalid(f"{found.name} is a {found.agency_type} organisation, not {agency_type}")
    return found


def authenticate(
    session: Session, token: str, *, request_id: str | None = None, client_address: str | None = None
) -> Caller | None:
    """Return the caller a bearer token belongs to, noting its use; or None for an unknown, revoked, expired or
    inactive one, recorded as a security event with the client's address."""
    now = utcnow()
    with session.begin():
        read_only(session)
        found = session.execute(
            select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken)
            .where(
                ApiToken.token_hash == hash_token(token),
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
                User.active.is_(True),
            )
        ).first()
    if found is None:
        with session.begin():
            session.add(SecurityEvent(at=now, kind=TOKEN_REFUSED, client_address=client_address, request_id=request_id))
        return None
    user, token_id, last_used_at = found
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        with session.begin():
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return Caller.of(user, request_id=request_id)
