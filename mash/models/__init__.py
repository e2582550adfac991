"""Mapped classes, one module per concept; importing this package registers them all on Base.metadata."""

from mash.models.audit import AuditEvent
from mash.models.contact import Adult, Child, Contact, ReferenceCounter, Referrer
from mash.models.idempotency import IdempotencyRecord
from mash.models.outbox import OutboxItem
from mash.models.screening import Recommendation
from mash.models.team import Team, TeamMember
from mash.models.user import ApiToken, User

__all__ = [
    "Adult",
    "ApiToken",
    "AuditEvent",
    "Child",
    "Contact",
    "IdempotencyRecord",
    "OutboxItem",
    "Recommendation",
    "ReferenceCounter",
    "Referrer",
    "Team",
    "TeamMember",
    "User",
]
