"""Mapped classes, one module per concept; importing this package registers them all on Base.metadata."""

from mash.models.audit import AuditEvent
from mash.models.casework import Allocation, CaseNote
from mash.models.contact import Adult, Child, ChildKey, Contact, ContactInformation, ReferenceCounter, Referrer
from mash.models.draft import ReferralDraft
from mash.models.flag import Flag, FlagEvent
from mash.models.idempotency import IdempotencyRecord
from mash.models.match import ChildMatch, MatchEvent
from mash.models.organisation import Organisation
from mash.models.outbox import OutboxItem
from mash.models.privacy import PrivacyEvent
from mash.models.quality import QualityAudit
from mash.models.retention import LegalHold, RetentionReview, RetentionReviewItem
from mash.models.screening import Recommendation
from mash.models.sharing import PartnerCircuit, SharingRecord
from mash.models.suggestion import Suggestion
from mash.models.team import Team, TeamMember
from mash.models.triage import Claim, Decision, Feedback, NotificationEndpoint, Oversight
from mash.models.user import ApiToken, SecurityEvent, SignInAttempt, User

__all__ = [
    "Adult",
    "Allocation",
    "ApiToken",
    "AuditEvent",
    "CaseNote",
    "Child",
    "ChildKey",
    "ChildMatch",
    "Claim",
    "Contact",
    "ContactInformation",
    "Decision",
    "Feedback",
    "Flag",
    "FlagEvent",
    "IdempotencyRecord",
    "LegalHold",
    "MatchEvent",
    "NotificationEndpoint",
    "Organisation",
    "OutboxItem",
    "Oversight",
    "PartnerCircuit",
    "PrivacyEvent",
    "QualityAudit",
    "Recommendation",
    "ReferenceCounter",
    "ReferralDraft",
    "Referrer",
    "RetentionReview",
    "RetentionReviewItem",
    "SecurityEvent",
    "SharingRecord",
    "SignInAttempt",
    "Suggestion",
    "Team",
    "TeamMember",
    "User",
]
