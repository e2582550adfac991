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


def refuse(
    session: Session,
    reason: str,
    *,
    user_id: str | None = None,
    request_id: str | None,
    client_address: str | None,
) -> None:
    """Record a single sign-on that did not sign anybody in (the provider's answer failed a check, or named nobody
    who may sign in), logging the reason (never who it was)."""
    log.warning("sign_on_refused", reason=reason)
    with session.begin():
        session.add(
            SecurityEvent(
                at=utcnow(),
                kind=SIGN_ON_REFUSED,
                user_id=user_id,
                client_address=client_address,
                request_id=request_id,
            )
        )


def sign_on(
    session: Session, email: str, *, request_id: str | None = None, client_address: str | None = None
) -> SignedIn:
    """Sign in the active staff account with the email address the identity provider vouched for; refuse (and record)
    an address no account has, a deactivated account and a partner's account."""
    now = utcnow()
    with session.begin():
        user = session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()
        reason = (
            "sso_unknown"
            if user is None
            else "sso_inactive"
            if not user.active
            else "sso_not_staff"
            if user.role == PARTNER
            else "sso"
        )
        session.add(
            SignInAttempt(
                at=now,
                client_address=client_address,
                request_id=request_id,
                user_id=user.id if user else None,
                succeeded=reason == "sso",
                reason=reason,
            )
        )
        if user is not None and reason == "sso":
            return SignedIn(Caller.of(user, request_id=request_id), user.password_changed_at)
    refuse(session, reason, user_id=user.id if user else None, request_id=request_id, client_address=client_address)
    raise SignInRefused(locked=False)
