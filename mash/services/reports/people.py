"""One identifier per child across contacts: child records joined by confirmed matches share the earliest one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mash.models import Child, ChildMatch, Contact

LINKS_AT_A_TIME = 5000


class People:
    """The child records a screener confirmed to be one child, each group known by its earliest record's id.

    Only the later records of such a group are held, each with the id of the group's first record; any other record
    is its own child. While the links are read, the time of the first record is kept for each group, not for each
    record, so that ten years of matches cost a few megabytes.
    """

    def __init__(self, links: Iterable[tuple[str, datetime, str, datetime]]) -> None:
        parent: dict[str, str] = {}
        first: dict[str, tuple[datetime, str]] = {}
        for child_id, child_at, known_id, known_at in links:
            one, other = _root(parent, child_id), _root(parent, known_id)
            first.setdefault(one, (child_at, child_id))
            first.setdefault(other, (known_at, known_id))
            if one != other:
                earlier, later = (one, other) if first[one] <= first[other] else (other, one)
                parent[later] = earlier
                del first[later]
        first.clear()
        for record in parent:
            _root(parent, record)
        self._first_of = parent

    def identifier(self, child_id: str) -> str:
        """Return the stable identifier of the child a record is about."""
        return self._first_of.get(child_id, child_id)


def _root(parent: dict[str, str], node: str) -> str:
    """Return the first record of a node's group, pointing each record on the way straight at it."""
    root = node
    while root in parent:
        root = parent[root]
    while node != root:
        parent[node], node = root, parent[node]
    return root


def load_people(session: Session, before: datetime) -> People:
    """Read the confirmed matches among children on contacts received before a moment, a few thousand at a time."""
    known = aliased(Child)
    known_contact = aliased(Contact)
    rows = session.execute(
        select(ChildMatch.child_id, Contact.received_at, ChildMatch.known_child_id, known_contact.received_at)
        .join(Child, Child.id == ChildMatch.child_id)
        .join(Contact, Contact.id == Child.contact_id)
        .join(known, known.id == ChildMatch.known_child_id)
        .join(known_contact, known_contact.id == known.contact_id)
        .where(ChildMatch.status == "confirmed", Contact.received_at < before),
        execution_options={"yield_per": LINKS_AT_A_TIME},
    )
    return People((a, b, c, d) for a, b, c, d in rows)
