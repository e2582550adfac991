"""Organisations as records: partner agencies, each with its agency type, and the council's own, to which every
member of staff and every contact entered by staff belongs and which no partner account can join. Names are unique
whatever their case; a deactivated organisation's accounts are deactivated with it."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.enums import AGENCY_TYPES
from mash.models import Organisation, User

COUNCIL = "MASH"  # the name the council's own organisation is created with
MAX_NAME = 200


class OrganisationInvalid(ValueError):
    """The organisation asked for does not fit, does not exist or already does."""


def name_key(name: str) -> str:
    """Return the key under which a name is unique: normal form C, spaces collapsed, case folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def council(session: Session) -> Organisation:
    """Return the council's own organisation, creating it the first time; call inside a transaction."""
    found = session.execute(select(Organisation).where(Organisation.council.is_(True))).scalar_one_or_none()
    if found is None:
        found = Organisation(name=COUNCIL, name_key=name_key(COUNCIL), agency_type=None, council=True)
        session.add(found)
        session.flush()
    return found


def find(session: Session, name: str) -> Organisation | None:
    """Return the organisation of a name, whatever its case; call inside a transaction."""
    return session.execute(select(Organisation).where(Organisation.name_key == name_key(name))).scalar_one_or_none()


def add(session: Session, name: str, agency_type: str) -> Organisation:
    """Add a partner organisation with its agency type; refuse a name already held, whatever its case."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name or len(name) > MAX_NAME:
        raise OrganisationInvalid(f"an organisation needs a name of 1 to {MAX_NAME} characters")
    if agency_type not in AGENCY_TYPES:
        raise OrganisationInvalid(f"the agency type must be one of {', '.join(AGENCY_TYPES)}")
    with session.begin():
        council(session)
        held = find(session, name)
        if held is not None:
            whose = "the council's own organisation" if held.council else f"the organisation {held.name}"
            raise OrganisationInvalid(f"{name} is already {whose}")
        organisation = Organisation(name=name, name_key=name_key(name), agency_type=agency_type)
        session.add(organisation)
    return organisation


def listed(session: Session, *, partners_only: bool = False) -> list[Organisation]:
    """Return the organisations by name (the active partner ones only, when asked)."""
    query = select(Organisation).order_by(Organisation.name_key)
    if partners_only:
        query = query.where(Organisation.council.is_(False), Organisation.active.is_(True))
    with session.begin():
        return list(session.execute(query).scalars())


def deactivate(session: Session, name: str) -> tuple[Organisation, int]:
    """Deactivate a partner organisation and every account of it at once; return it and how many accounts stopped."""
    with session.begin():
        organisation = find(session, name)
        if organisation is None:
            raise OrganisationInvalid(f"no organisation named {name}")
        if organisation.council:
            raise OrganisationInvalid("the council's own organisation cannot be deactivated")
        organisation.active = False
        accounts = list(
            session.execute(
                select(User).where(User.organisation_id == organisation.id, User.active.is_(True))
            ).scalars()
        )
        for account in accounts:
            account.active = False
    return organisation, len(accounts)
