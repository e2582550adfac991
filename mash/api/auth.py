"""Bearer-token authentication and role checks for every API endpoint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g, request

from mash.db import get_session
from mash.problems import Forbidden, Unauthenticated
from mash.services.users import Actor, authenticate

F = TypeVar("F", bound=Callable[..., Any])


def current_actor() -> Actor:
    """Return the caller authenticated for this request."""
    actor: Actor = g.actor
    return actor


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send Authorization: Bearer <token>.")
    return token.strip()


def requires(*roles: str) -> Callable[[F], F]:
    """Let the view run only for a caller with a valid token and one of these roles."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            actor = authenticate(get_session(), _bearer_token())
            if actor is None:
                raise Unauthenticated("The token is not valid, or has been revoked.")
            g.actor = actor
            if actor.role not in roles:
                raise Forbidden(f"The {actor.role} role may not do this.")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate
