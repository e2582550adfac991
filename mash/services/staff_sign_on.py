"""Staff single sign-on: the council's identity provider says who a person is; their account here says what they may
do. Nobody gets an account by signing on, and every refusal is a security event with the client's address."""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.models import SecurityEvent, SignInAttempt, User
from mash.services.accounts import SignedIn, SignInRefused, normalise_email
from mash.services.callers import PARTNER, Caller

SIGN_ON_REFUSED = "sign_on.refused"

log = structlog.get_logger(__name__)


def _event(user_id: str | None, request_id: str | None, client_address: str | None) -> SecurityEvent:
    return SecurityEvent(
        at=utcnow(), kind=SIGN_ON_REFUSED, user_id=user_id, client_address=client_address, request_id=request_id
    )


def refuse(session: Session, reason: str, *, request_id: str | None, client_address: str | None) -> None:
    """Record a single sign-on whose answer from the identity provider failed a check, logging the reason."""
    log.warning("sign_on_refused", reason=reason)
    with session.begin():
        session.add(_event(None, request_id, client_address))


def _refusal(user: User | None) -> str | None:
    """Say why an account may not sign on, or None when it may."""
    if user is None:
        return "sso_unknown"
    if not user.active:
        return "sso_inactive"
    if user.role == PARTNER:
        return "sso_not_staff"
    return None


def sign_on(
    session: Session, email: str, *, request_id: str | None = None, client_address: str | None = None
) -> SignedIn:
    """Sign in the active staff account with the email address the identity provider vouched for; refuse an address
    no account has, a deactivated account and a partner's account, recorded as a security event."""
    with session.begin():
        user = session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()
        refusal = _refusal(user)
        user_id = user.id if user else None
        session.add(
            SignInAttempt(
                at=utcnow(),
                client_address=client_address,
                request_id=request_id,
                user_id=user_id,
                succeeded=refusal is None,
                reason=refusal or "sso",
            )
        )
        if user is not None and refusal is None:
            return SignedIn(Caller.of(user, request_id=request_id), user.password_changed_at)
        session.add(_event(user_id, request_id, client_address))
    log.warning("sign_on_refused", reason=refusal)
    raise SignInRefused(locked=False)
