"""The blocking keys stored beside each child, kept in step with its details on every flush, and looked up."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, event, select, union
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from mash.matching import probe_keys, stored_keys
from mash.models import Child, ChildKey

DETAILS = ("first_name", "last_name", "date_of_birth", "postcode")
"""The details of a child that its keys are made of."""


def _changed(child: Child) -> bool:
    attributes = sa_inspect(child).attrs
    return any(attributes[name].history.has_changes() for name in DETAILS)


def _store(child: Child) -> None:
    wanted = stored_keys(child.first_name, child.last_name, child.date_of_birth, child.postcode)
    kept = [row for row in child.keys if row.key in wanted]
    child.keys = kept + [ChildKey(key=key) for key in sorted(wanted - {row.key for row in kept})]


@event.listens_for(Session, "before_flush")
def _store_keys(session: Session, _context: Any, _instances: Any) -> None:
    """Give each new child its keys, and a child whose name, date of birth or postcode changed its new keys."""
    for instance in session.new:
        if isinstance(instance, Child):
            _store(instance)
    for instance in session.dirty:
        if isinstance(instance, Child) and _changed(instance):
            _store(instance)


def matching_ids(
    first_name: str | None,
    last_name: str | None,
    date_of_birth: date | None,
    postcode: str | None,
    nhs_number: str | None,
) -> Select[str] | None:
    """Return a query of the ids of the children who share a key with these details or have this NHS number, or
    None when the details give nothing to look up."""
    keys = probe_keys(first_name, last_name, date_of_birth, postcode)
    queries: list[Select[str]] = []
    if keys:
        queries.append(select(ChildKey.child_id).where(ChildKey.key.in_(sorted(keys))))
    if nhs_number:
        queries.append(select(Child.id).where(Child.nhs_number == nhs_number))
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return select(union(*queries).subquery().c[0])
