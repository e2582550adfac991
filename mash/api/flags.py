"""Flags for systemic consultation: the therapist raises, follows and resolves them; MASH staff read them."""

from __future__ import annotations

from typing import Any

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.services import flags
from mash.services.callers import Permission
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


@blp.route("/contacts/<string:contact_id>/flags")
class ContactFlags(Resource):
    @requires(Permission.WORK_FLAGS)
    @blp.arguments(FlagCreateSchema)
    @blp.response(201, FlagSchema)
    @blp.alt_response(409, description="The contact already has an open flag of this kind")
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Flag a contact for a systemic consultation (therapist)."""
        flag = flags.raise_flag(self.session, self.caller, contact_id, payload["kind"], payload["note"])
        return flag, 201, _location(flag.id)

    @requires(Permission.SIGNED_IN)
    @blp.arguments(ContactFlagQuerySchema, location="query")
    @blp.response(200, FlagPageSchema)
    def get(self, query: dict[str, Any], contact_id: str) -> Any:
        """List a contact's flags with their history, newest first (staff)."""
        return flags.list_contact_flags(self.session, self.caller, contact_id, **query)


@blp.route("/flags")
class Flags(Resource):
    @requires(Permission.READ_FLAGS)
    @blp.arguments(FlagQuerySchema, location="query")
    @blp.response(200, FlagPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List flags with their history, newest first; ?open=true for the open ones (staff)."""
        return flags.list_flags(self.session, self.caller, **query)


@blp.route("/flags/<string:flag_id>")
class FlagById(Resource):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, FlagSchema)
    def get(self, flag_id: str) -> Any:
        """Read a flag with its whole history (staff)."""
        return flags.get_flag(self.session, self.caller, flag_id)


@blp.route("/flags/<string:flag_id>/consultations")
class FlagConsultations(Resource):
    @requires(Permission.WORK_FLAGS)
    @blp.arguments(ConsultationCreateSchema)
    @blp.response(201, FlagSchema)
    @blp.alt_response(409, description="The flag is resolved")
    def post(self, payload: dict[str, Any], flag_id: str) -> Any:
        """Record a systemic consultation on a flag: date, who took part, what was agreed (therapist)."""
        flag = flags.record_consultation(
            self.session,
            self.caller,
            flag_id,
            held_on=payload["date"],
            participants=payload["participants"],
            agreed=payload["agreed"],
        )
        return flag, 201, _location(flag.id)


@blp.route("/flags/<string:flag_id>/notes")
class FlagNotes(Resource):
    @requires(Permission.WORK_FLAGS)
    @blp.arguments(FlagNoteSchema)
    @blp.response(201, FlagSchema)
    @blp.alt_response(409, description="The flag is resolved")
    def post(self, payload: dict[str, Any], flag_id: str) -> Any:
        """Add a note to an open flag's history (therapist)."""
        flag = flags.add_note(self.session, self.caller, flag_id, payload["note"])
        return flag, 201, _location(flag.id)


@blp.route("/flags/<string:flag_id>/resolve")
class FlagResolution(Resource):
    @requires(Permission.WORK_FLAGS)
    @blp.arguments(FlagNoteSchema)
    @blp.response(200, FlagSchema)
    @blp.alt_response(409, description="The flag is already resolved")
    def post(self, payload: dict[str, Any], flag_id: str) -> Any:
        """Resolve a flag with a note (therapist)."""
        return flags.resolve_flag(self.session, self.caller, flag_id, payload["note"])
