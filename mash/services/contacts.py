"""Contacts: receive one from a referrer, read one back, list them (staff: all; partners: their own)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

import mash.services.child_keys  # noqa: F401 (its listener stores the keys of the children written here)
from mash.db import utcnow
from mash.enums import CIN_REFERRAL_SOURCE
from mash.job_names import SCREEN_CONTACT
from mash.models import Adult, Child, Contact, Referrer
from mash.problems import ContactNotFound, DuplicateContact, InvalidFields
from mash.services import audit, cursors, idempotency, outbox
from mash.services.callers import Caller, Permission
from mash.services.references import next_reference


@dataclass(frozen=True)
class Submitted:
    """The outcome of a submission: the acknowledgement, and whether it replays an earlier one."""

    status: int
    body: dict[str, Any]
    contact_id: str
    replayed: bool


@dataclass(frozen=True)
class Page:
    """One page of a list and the cursor for the next."""

    items: list[Contact]
    next_cursor: str | None


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def duplicate_key(organisation: str, payload: dict[str, Any]) -> str | None:
    """Return the key under which the same contact resent by the same organisation is recognised."""
    external = payload["referrer"].get("external_reference")
    if not external:
        return None
    children = sorted(
        "|".join(
            (
                _fold(child.get("first_name")),
                _fold(child.get("last_name")),
                str(child.get("date_of_birth") or child.get("expected_date_of_delivery")),
                child.get("nhs_number") or "",
            )
        )
        for child in payload["children"]
    )
    material = json.dumps([_fold(organisation), _fold(external), children], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def from_account(caller: Caller, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the payload with a partner's agency type and organisation taken from its account, never the body."""
    referrer = dict(payload["referrer"])
    claimed = referrer.get("agency_type")
    own = caller.agency_type if caller.is_partner else None
    if own is not None and claimed is not None and claimed != own:
        raise InvalidFields(
            "The agency type comes from your account, not from the body.",
            errors={"referrer.agency_type": [f"Your account's agency type is {own}: send {own} or leave it out."]},
        )
    if own is None and claimed is None:
        raise InvalidFields(
            "Say what kind of agency the referrer is.",
            errors={"referrer.agency_type": ["Missing data for required field."]},
        )
    referrer["agency_type"] = own or claimed
    if caller.is_partner and not referrer.get("organisation"):
        referrer["organisation"] = caller.organisation
    return {**payload, "referrer": referrer}


def _build_contact(caller: Caller, payload: dict[str, Any], now: datetime, key: str | None) -> Contact:
    referrer = payload["referrer"]
    concerns = payload["concerns"]
    consent = payload["consent"]
    contact = Contact(
        status="received",
        organisation=caller.organisation,
        organisation_id=caller.organisation_id,
        submitted_by_id=caller.user_id,
        agency_type=referrer["agency_type"],
        source_code=CIN_REFERRAL_SOURCE[referrer["agency_type"]],
        external_reference=referrer.get("external_reference"),
        duplicate_key=key,
        immediate_danger=payload["immediate_danger"],
        consent_status=consent["status"],
        consent_reason=consent.get("reason"),
        categories=list(dict.fromkeys(concerns["categories"])),
        indicators=list(dict.fromkeys(concerns.get("indicators") or [])),
        summary=concerns["summary"],
        worries=concerns.get("worries"),
        strengths=concerns.get("strengths"),
        needs=concerns.get("needs"),
        received_at=now,
        acknowledged_at=now,
    )
    contact.referrer = Referrer(**referrer)
    for position, child in enumerate(payload["children"]):
        address = child.get("address")
        contact.children.append(
            Child(
                position=position,
                **{name: value for name, value in child.items() if name != "address"},
                address=address,
                postcode=(address or {}).get("postcode"),
            )
        )
    for position, adult in enumerate(payload.get("adults") or []):
        contact.adults.append(Adult(position=position, **adult))
    return contact


def _copy(row: Any, *, skip: tuple[str, ...] = ("id", "contact_id")) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in sa_inspect(type(row)).columns if column.key not in skip}


def follow_on(
    session: Session, caller: Caller, earlier: Contact, text: str, indicators: list[str], now: datetime
) -> Contact:
    """Open a new contact from information added to one already decided (inside the caller's transaction): the same
    referrer, children, adults, concerns and consent; its summary the added words, then the earlier summary, so that
    screening reads both; screened like any other, with the earlier contact in the children's history."""
    earlier_indicators = [*earlier.indicators, *(i for added in earlier.information for i in added.indicators)]
    contact = Contact(
        status="received",
        organisation=earlier.organisation,
        organisation_id=earlier.organisation_id,
        submitted_by_id=caller.user_id,
        agency_type=earlier.agency_type,
        source_code=earlier.source_code,
        external_reference=earlier.external_reference,
        duplicate_key=None,
        immediate_danger=False,
        consent_status=earlier.consent_status,
        consent_reason=earlier.consent_reason,
        categories=list(earlier.categories),
        indicators=list(dict.fromkeys([*earlier_indicators, *indicators])),
        summary=(
            f"Information added to {earlier.reference} after its decision: {text}\n\n"
            f"The referral it adds to said: {earlier.summary}"
        ),
        worries=earlier.worries,
        strengths=earlier.strengths,
        needs=earlier.needs,
        received_at=now,
        acknowledged_at=now,
    )
    contact.referrer = Referrer(**_copy(earlier.referrer))
    contact.children = [Child(**_copy(child)) for child in earlier.children]
    contact.adults = [Adult(**_copy(adult)) for adult in earlier.adults]
    contact.reference = next_reference(session, now.year)
    session.add(contact)
    session.flush()
    audit.record(session, caller, "contact.create", [contact.id], at=now, detail={"follows": earlier.id})
    outbox.add(session, SCREEN_CONTACT, contact.id, now=now)
    return contact


def acknowledgement(contact: Contact) -> dict[str, Any]:
    """Return the body of the 201 a referrer gets at once."""
    return {
        "id": contact.id,
        "reference": contact.reference,
        "status": contact.status,
        "received_at": contact.received_at.isoformat(),
        "acknowledged_at": contact.acknowledged_at.isoformat(),
    }


def _existing_duplicate(session: Session, key: str) -> Contact | None:
    return session.execute(select(Contact).where(Contact.duplicate_key == key)).scalar_one_or_none()


def submit_contact(
    session: Session,
    caller: Caller,
    payload: dict[str, Any],
    *,
    idempotency_key: str | None = None,
) -> Submitted:
    """Store a contact with its screening pending, once, whatever the retries; acknowledge it."""
    caller.require(Permission.SUBMIT_CONTACT)
    payload = from_account(caller, payload)
    held: idempotency.Claim | None = None
    if idempotency_key is not None:
        claimed = idempotency.claim(
            session, caller.idempotency_scope, idempotency_key, idempotency.request_hash(payload)
        )
        if isinstance(claimed, idempotency.Replay):
            assert claimed.contact_id is not None
            return Submitted(claimed.status, claimed.body, claimed.contact_id, replayed=True)
        held = claimed
    key = duplicate_key(caller.organisation, payload)
    try:
        return _store(session, caller, payload, key, held)
    except BaseException:
        if held is not None:
            session.rollback()
            idempotency.release(session, held)
        raise


def _store(
    session: Session,
    caller: Caller,
    payload: dict[str, Any],
    key: str | None,
    held: idempotency.Claim | None,
) -> Submitted:
    now = utcnow()
    try:
        # A duplicate is rare: the unique duplicate key refuses it, and only then is the earlier contact looked up.
        with session.begin():
            contact = _build_contact(caller, payload, now, key)
            contact.reference = next_reference(session, now.year)
            session.add(contact)
            session.flush()
            body = acknowledgement(contact)
            audit.record(session, caller, "contact.create", [contact.id], at=now)
            outbox.add(session, SCREEN_CONTACT, contact.id, now=now)
            if held is not None:
                idempotency.complete(session, held, 201, body, contact.id)
    except IntegrityError:
        if key is None:
            raise
        with session.begin():
            earlier = _existing_duplicate(session, key)
        if earlier is None:
            raise
        raise DuplicateContact(earlier.id, earlier.reference) from None
    return Submitted(201, body, contact.id, replayed=False)


def load_contact(session: Session, contact_id: str) -> Contact | None:
    """Load a contact with its children, adults, referrer and added information (inside the caller's transaction)."""
    return session.execute(
        select(Contact)
        .where(Contact.id == contact_id)
        .options(
            selectinload(Contact.children),
            selectinload(Contact.adults),
            joinedload(Contact.referrer),  # one a contact: joined, not a query of its own
            selectinload(Contact.information),
        )
    ).scalar_one_or_none()


def lock_contact(session: Session, contact_id: str) -> Contact | None:
    """Load a contact and its children for a change, holding its row until the transaction ends (on PostgreSQL)."""
    query = select(Contact).where(Contact.id == contact_id).options(selectinload(Contact.children))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Contact, key_share=True)
    return session.execute(query).scalar_one_or_none()


def get_contact(session: Session, caller: Caller, contact_id: str) -> Contact:
    """Return a contact the caller may see, and record that they read it."""
    caller.require(Permission.READ_CONTACT)
    with session.begin():
        contact = load_contact(session, contact_id)
        if contact is None or (caller.is_partner and contact.organisation_id != caller.organisation_id):
            raise ContactNotFound(f"No contact {contact_id} that you may see.")
        audit.record(session, caller, "contact.read", [contact.id])
    return contact


def list_contacts(
    session: Session,
    caller: Caller,
    *,
    status: str | None = None,
    agency_type: str | None = None,
    external_reference: str | None = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """List contacts, newest first (a partner's own organisation's only); record that each listed one was seen."""
    caller.require(Permission.LIST_CONTACTS)
    query = select(Contact).options(selectinload(Contact.children))
    if caller.is_partner:
        query = query.where(Contact.organisation_id == caller.organisation_id)
    if external_reference:
        query = query.where(Contact.external_reference == external_reference)
    if status:
        query = query.where(Contact.status == status)
    if agency_type:
        query = query.where(Contact.agency_type == agency_type)
    if received_from:
        query = query.where(Contact.received_at >= received_from)
    if received_to:
        query = query.where(Contact.received_at < received_to)
    if cursor:
        at, last_id = cursors.decode(cursor, datetime, str)
        query = query.where(or_(Contact.received_at < at, and_(Contact.received_at == at, Contact.id < last_id)))
    query = query.order_by(Contact.received_at.desc(), Contact.id.desc()).limit(limit + 1)
    with session.begin():
        rows = list(session.execute(query).scalars())
        items = rows[:limit]
        audit.record(session, caller, "contact.list", [c.id for c in items])
    return Page(items, cursors.encode(items[-1].received_at, items[-1].id) if len(rows) > limit else None)


def count_contacts(session: Session) -> int:
    """Count every contact stored."""
    with session.begin():
        return int(session.execute(select(func.count(Contact.id))).scalar_one())
