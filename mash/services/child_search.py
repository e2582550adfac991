"""Finding a child the service already knows, by name, date of birth or NHS number, with their contacts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash.db import utcnow
from mash.matching import Person, score
from mash.models import Child, Contact, Decision, Recommendation
from mash.problems import InvalidFields
from mash.services import audit, child_keys
from mash.services.callers import Caller, Permission

MAX_CANDIDATES = 500
MAX_RESULTS = 25


@dataclass(frozen=True)
class Found:
    """A child record that may be the child searched for, how well it matches, and its contact."""

    child: Child
    score: float
    band: str
    reasons: tuple[str, ...]
    contact_id: str
    reference: str
    received_at: datetime
    outcome: str | None
    restricted: bool

    @property
    def child_id(self) -> str:
        """Return the child record's id."""
        return self.child.id

    @property
    def first_name(self) -> str | None:
        """Return the child's first name, or None on a restricted contact."""
        return None if self.restricted else self.child.first_name

    @property
    def last_name(self) -> str | None:
        """Return the child's last name, or None on a restricted contact."""
        return None if self.restricted else self.child.last_name

    @property
    def date_of_birth(self) -> date | None:
        """Return the child's date of birth, or None on a restricted contact."""
        return None if self.restricted else self.child.date_of_birth

    @property
    def contacts(self) -> list[Found]:
        """Return the contacts the record came on: its own."""
        return [self]


def candidates(
    session: Session,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    date_of_birth: date | None = None,
    nhs_number: str | None = None,
) -> list[Found]:
    """Return the child records that may be the one described, best first, inside the caller's transaction (the
    caller audits what it shows)."""
    wanted = Person(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, nhs_number=nhs_number)
    ids = child_keys.matching_ids(first_name, last_name, date_of_birth, None, nhs_number)
    if ids is None:
        return []
    latest_outcome = (
        select(Decision.outcome)
        .where(Decision.contact_id == Contact.id)
        .order_by(Decision.decided_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Child, Contact.reference, Contact.received_at, latest_outcome, Recommendation.outcome, Contact.restriction
        )
        .join(Contact, Contact.id == Child.contact_id)
        .outerjoin(Recommendation, Recommendation.contact_id == Contact.id)
        .where(Child.id.in_(ids))
        .limit(MAX_CANDIDATES)
    ).all()
    found = []
    for child, reference, received_at, decided, recommended, restriction in rows:
        result = score(wanted, Person(child.first_name, child.last_name, child.date_of_birth, child.nhs_number))
        if result.band in ("likely", "possible"):
            found.append(
                Found(
                    child,
                    result.score,
                    result.band,
                    result.evidence,
                    child.contact_id,
                    reference,
                    received_at,
                    decided or recommended,
                    restriction is not None,
                )
            )
    found.sort(key=lambda f: (-f.score, -f.received_at.timestamp()))
    return found


def search(
    session: Session,
    caller: Caller,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    date_of_birth: date | None = None,
    nhs_number: str | None = None,
) -> list[Found]:
    """Return the children who may be the one described, best first, and record whose records were seen; a child on a
    restricted contact comes without the evidence (which names the child) or the outcome."""
    caller.require(Permission.SEARCH_CHILDREN)
    if not any((first_name, last_name, date_of_birth, nhs_number)):
        raise InvalidFields(
            "Give at least one detail of the child.",
            errors={"last_name": ["Enter a name, a date of birth or an NHS number"]},
        )
    with session.begin():
        found = candidates(
            session, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, nhs_number=nhs_number
        )[:MAX_RESULTS]
        audit.record(
            session,
            caller,
            "child.search",
            list(dict.fromkeys(f.contact_id for f in found)),
            at=utcnow(),
        )
    return [replace(f, reasons=(), outcome=None) if f.restricted else f for f in found]
