"""Bearer-token authentication once per request, and permission checks on every API endpoint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask.views import MethodView
from sqlalchemy.orm import Session

from mash.db import get_session
from mash.problems import Unauthenticated
from mash.services import access_tokens
from mash.services.callers import Caller, Permission
from mash.services.users import authenticate
from mash.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send Authorization: Bearer <token>.")
    return token.strip()


def authenticate_request() -> None:
    """Build this request's caller from its bearer token (one of the service's own, or an access token from the
    authorisation server when one is configured), or refuse the request (401)."""
    token = _bearer_token()
    tokens: access_tokens.AccessTokens | None = current_app.extensions.get("mash.access_tokens")
    if tokens is not None and access_tokens.looks_like_jwt(token):
        caller = access_tokens.authenticate(
            get_session(), tokens, token, request_id=g.request_id, client_address=request.remote_addr
        )
    else:
        caller = authenticate(get_session(), token, request_id=g.request_id, client_address=request.remote_addr)
    if caller is None:
        raise Unauthenticated("The token is not valid, or has been revoked.")
    g.caller = caller


def current_caller() -> Caller:
    """Return the caller authenticated for this request."""
    if "caller" not in g:
        authenticate_request()
    found: Caller = g.caller
    return found


def requires(permission: Permission) -> Callable[[F], F]:
    """Let the view run only for a caller whose role holds this permission (the roles are in one table)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            current_caller().require(permission)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


class Resource(MethodView):
    """A MethodView that hands its use cases this request's session, caller and settings."""

    @property
    def session(self) -> Session:
        """Return this request's database session."""
        return get_session()

    @property
    def caller(self) -> Caller:
        """Return who is calling, authenticated once for the request."""
        return current_caller()

    @property
    def settings(self) -> Settings:
        """Return the application's settings."""
        settings: Settings = current_app.config["MASH_SETTINGS"]
        return settings
