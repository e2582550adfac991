"""Contacts: partners submit them, follow their own and add to them; staff read and list them all."""

from __future__ import annotations

from typing import Any

from flask import request

from mash.api.auth import Resource, requires
from mash.api.body import ApiBlueprint
from mash.problems import BadRequest
from mash.services import contact_record, contacts, information
from mash.services.callers import Permission
from schemas.contacts import (
    ContactCreatedSchema,
    ContactCreateSchema,
    ContactPageSchema,
    ContactPartnerPageSchema,
    ContactPartnerSchema,
    ContactQuerySchema,
    ContactReadSchema,
    InformationAddedSchema,
    InformationCreateSchema,
)

blp = ApiBlueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Contacts about children")

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not all(33 <= ord(ch) <= 126 for ch in key):
        raise BadRequest(
            "The Idempotency-Key header must be 1-255 printable ASCII characters.",
            errors={IDEMPOTENCY_HEADER: ["Must be 1-255 printable ASCII characters without spaces."]},
        )
    return key


@blp.route("")
class Contacts(Resource):
    @requires(Permission.SUBMIT_CONTACT)
    @blp.arguments(ContactCreateSchema)
    @blp.response(201, ContactCreatedSchema)
    @blp.alt_response(409, description="In flight under the same key, or the same contact already received")
    def post(self, payload: dict[str, Any]) -> Any:
        """Submit a contact about one or more children."""
        result = contacts.submit_contact(self.session, self.caller, payload, idempotency_key=_idempotency_key())
        headers = {"Location": f"/api/v1/contacts/{result.contact_id}"}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return result.body, result.status, headers

    @requires(Permission.LIST_CONTACTS)
    @blp.arguments(ContactQuerySchema, location="query")
    @blp.role_response(
        200,
        staff=ContactPageSchema,
        partner=ContactPartnerPageSchema,
        description="The staff list for staff roles; a partner's own organisation's contacts for partners.",
    )
    def get(self, query: dict[str, Any]) -> Any:
        """List contacts, newest first: staff see all with filters, a partner its own organisation's."""
        return contact_record.list_for(self.session, self.caller, **query)


@blp.route("/<string:contact_id>")
class ContactById(Resource):
    @requires(Permission.READ_CONTACT)
    @blp.role_response(
        200,
        staff=ContactReadSchema,
        partner=ContactPartnerSchema,
        description="The staff view for staff roles, the partner view for partners.",
    )
    def get(self, contact_id: str) -> Any:
        """Read a contact: partners see its status and feedback, staff see all of it."""
        return contact_record.read(self.session, self.caller, contact_id)


@blp.route("/<string:contact_id>/information")
class ContactInformation(Resource):
    @requires(Permission.ADD_INFORMATION)
    @blp.arguments(InformationCreateSchema)
    @blp.response(201, InformationAddedSchema)
    def post(self, payload: dict[str, Any], contact_id: str) -> Any:
        """Add information to a contact (its referring organisation, or staff); it is screened again."""
        done = information.add_information(
            self.session, self.caller, contact_id, payload["text"], payload["indicators"]
        )
        return done, 201, {"Location": f"/api/v1/contacts/{contact_id}"}
