"""Flags for systemic consultation: the therapist raises, follows and resolves them; MASH staff read them."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView

from mash.api.auth import current_actor, requires
from mash.api.body import ApiBlueprint
from mash.db import get_session
from mash.enums import ROLES, STAFF_ROLES
from mash.services import flags
from schemas.flags import (
    ConsultationCreateSchema,
    ContactFlagQuerySchema,
    FlagCreateSchema,
    FlagNoteSchema,
    FlagPageSchema,
    FlagQuerySchema,
    FlagSchema,
)

blp = ApiBlueprint("flags", __name__, url_prefix="/api/v1", description="Flags for systemic consultation")


def _location(flag_id: str) -> dict[str, str]:
    return {"Location": f"/api/v1/flags/{flag_id}"}


def _page(page: flags.Page) -> dict[str, Any]:
    return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route("/contacts/<string:contact_id>/flags")
class ContactFlags(MethodView):
    @requires("therapist")
    @blp.arguments(FlagCreateSchema)
    @blp.response(201, FlagSchema)
    @blp.alt_response(409, description="The contact already has an open flag of this kind")
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Flag a contact for a systemic consultation (therapist)."""
        flag = flags.raise_flag(
            get_session(), current_actor(), contact_id, payload["kind"], payload["note"], request_id=g.request_id
        )
        return flag, 201, _location(flag.id)

    @requires(*ROLES)
    @blp.arguments(ContactFlagQuerySchema, location="query")
    @blp.response(200, FlagPageSchema)
    def get(self, query: dict[str, Any], contact_id: str) -> Any:
        """List a contact's flags with their history, newest first (staff)."""
        page = flags.list_contact_flags(get_session(), current_actor(), contact_id, request_id=g.request_id, **query)
        return _page(page)


@blp.route("/flags")
class Flags(MethodView):
    @requires(*STAFF_ROLES)
    @blp.arguments(FlagQuerySchema, location="query")
    @blp.response(200, FlagPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List flags with their history, newest first; ?open=true for the open ones (staff)."""
        page = flags.list_flags(get_session(), current_actor(), request_id=g.request_id, **query)
        return _page(page)


@blp.route("/flags/<string:flag_id>")
class FlagById(MethodView):
    @requires(*ROLES)
    @blp.response(200, FlagSchema)
    def get(self, flag_id: str) -> Any:
        """Read a flag with its whole history (staff)."""
        return flags.get_flag(get_session(), current_actor(), flag_id, request_id=g.request_id)


@blp.route("/flags/<string:flag_id>/consultations")
class FlagConsultations(MethodView):
    @requires("therapist")
    @blp.arguments(ConsultationCreateSchema)
    @blp.response(201, FlagSchema)
    @blp.alt_response(409, description="The flag is resolved")
    def post(self, payload: dict[str, Any], flag_id: str) -> Any:
        """Record a systemic consultation on a flag: date, who took part, what was agreed (therapist)."""
        flag = flags.record_consultation(
            get_session(),
            current_actor(),
            flag_id,
            held_on=payload["date"],
            participants=payload["participants"],
            agreed=payload["agreed"],
            request_id=g.request_id,
        )
        return flag, 201, _location(flag.id)


@blp.route("/flags/<string:flag_id>/notes")
class FlagNotes(MethodView):
    @requires("therapist")
    @blp.arguments(FlagNoteSchema)
    @blp.response(201, FlagSchema)
    @blp.alt_response(409, description="The flag is resolved")
    def post(self, payload: dict[str, Any], flag_id: str) -> Any:
        """Add a note to an open flag's history (therapist)."""
        flag = flags.add_note(get_session(), current_actor(), flag_id, payload["note"], request_id=g.request_id)
        return flag, 201, _location(flag.id)


@blp.route("/flags/<string:flag_id>/resolve")
class FlagResolution(MethodView):
    @requires("therapist")
    @blp.arguments(FlagNoteSchema)
    @blp.response(200, FlagSchema)
    @blp.alt_response(409, description="The flag is already resolved")
    def post(self, payload: dict[str, Any], flag_id: str) -> Any:
        """Resolve a flag with a note (therapist)."""
        return flags.resolve_flag(get_session(), current_actor(), flag_id, payload["note"], request_id=g.request_id)
