"""One identifier per child across contacts: child records joined by confirmed matches share the earliest one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mash.models import Child, ChildMatch, Contact


class People:
    """The child records a screener confirmed to be one child, each group known by its earliest record's id.

    Only records with a confirmed match are held (a few tens of bytes each); any other record is its own child.
    """

    def __init__(self, links: list[tuple[str, datetime, str, datetime]]) -> None:
        self._parent: dict[str, str] = {}
        self._first: dict[str, tuple[datetime, str]] = {}
        for child_id, child_at, known_id, known_at in links:
            self._first.setdefault(child_id, (child_at, child_id))
            self._first.setdefault(known_id, (known_at, known_id))
            self._join(child_id, known_id)

    def _root(self, node: str) -> str:
        parent = self._parent.get(node, node)
        while parent != node:
            grand = self._parent.get(parent, parent)
            self._parent[node] = grand
            node, parent = parent, grand
        return node

    def _join(self, one: str, other: str) -> None:
        a, b = self._root(one), self._root(other)
        if a == b:
            return
        earlier, later = (a, b) if self._first[a] <= self._first[b] else (b, a)
        self._parent[later] = earlier

    def identifier(self, child_id: str) -> str:
        """Return the stable identifier of the child a record is about."""
        return self._root(child_id) if child_id in self._parent else child_id


def load_people(session: Session, before: datetime) -> People:
    """Read the confirmed matches among children on contacts received before a moment."""
    known = aliased(Child)
    known_contact = aliased(Contact)
    rows = session.execute(
        select(ChildMatch.child_id, Contact.received_at, ChildMatch.known_child_id, known_contact.received_at)
        .join(Child, Child.id == ChildMatch.child_id)
        .join(Contact, Contact.id == Child.contact_id)
        .join(known, known.id == ChildMatch.known_child_id)
        .join(known_contact, known_contact.id == known.contact_id)
        .where(ChildMatch.status == "confirmed", Contact.received_at < before)
    ).all()
    return People([(a, b, c, d) for a, b, c, d in rows])
