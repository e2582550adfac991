"""Which decisions stand: a contact's latest, the one every report counts."""

from __future__ import annotations

from sqlalchemy import Exists, and_, exists, or_
from sqlalchemy.orm import aliased

from mash.models import Decision


def superseded() -> Exists:
    """Return the condition that a later decision on the same contact exists (one at the same moment with a greater
    id counts as later), so that `~superseded()` keeps each contact's standing decision."""
    later = aliased(Decision)
    return exists().where(
        later.contact_id == Decision.contact_id,
        or_(
            later.decided_at > Decision.decided_at,
            and_(later.decided_at == Decision.decided_at, later.id > Decision.id),
        ),
    )
