"""Who is calling a use case, and the one table of what each role may do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from mash.enums import ROLES, STAFF_ROLES
from mash.models import User
from mash.problems import Forbidden

PARTNER: Final = "partner"
SCREENER: Final = "screener"
MANAGER: Final = "manager"
THERAPIST: Final = "therapist"
ADMIN: Final = "admin"
PRIVACY_OFFICER: Final = "privacy_officer"
CASEWORK_ROLES: Final = (SCREENER, MANAGER, THERAPIST)  # staff who work with children's records; not the admin


class Permission(StrEnum):
    """Something a caller may be allowed to do; `PERMISSIONS` says which roles may."""

    SIGNED_IN = "signed_in"
    SUBMIT_CONTACT = "submit_contact"
    ADD_INFORMATION = "add_information"
    LIST_CONTACTS = "list_contacts"
    READ_CONTACT = "read_contact"
    READ_QUEUE = "read_queue"
    DECIDE = "decide"
    ACT_ON_ANY_CLAIM = "act_on_any_claim"
    OVERSEE = "oversee"
    READ_ACCESS_HISTORY = "read_access_history"
    READ_CHILD_HISTORY = "read_child_history"
    READ_OVERDUE_FEEDBACK = "read_overdue_feedback"
    READ_FLAGS = "read_flags"
    WORK_FLAGS = "work_flags"
    SHARE_INFORMATION = "share_information"
    READ_SHARING_LEDGER = "read_sharing_ledger"
    DOWNLOAD_RETURNS = "download_returns"
    READ_METRICS = "read_metrics"
    SEARCH_CHILDREN = "search_children"
    WRITE_CASE_NOTES = "write_case_notes"
    RECORD_CONSENT = "record_consent"
    REOPEN = "reopen"
    ALLOCATE = "allocate"
    READ_TEAMS = "read_teams"
    SET_UP_TEAMS = "set_up_teams"
    MANAGE_ACCOUNTS = "manage_accounts"
    AUDIT_QUALITY = "audit_quality"
    READ_QUALITY = "read_quality"
    REVIEW_SUGGESTIONS = "review_suggestions"
    COMPARE_RULES = "compare_rules"
    OVERRIDE_REFUSED_CONSENT = "override_refused_consent"
    RESTRICT_CONTACT = "restrict_contact"
    LIFT_RESTRICTION = "lift_restriction"
    BREAK_GLASS = "break_glass"
    READ_PRIVACY_LOG = "read_privacy_log"


@dataclass(frozen=True)
class Grant:
    """The roles holding a permission, and what a caller without it is told (`{role}` is filled in)."""

    roles: frozenset[str]
    refusal: str


def _grant(roles: tuple[str, ...], refusal: str = "The {role} role may not do this.") -> Grant:
    return Grant(frozenset(roles), refusal)


PERMISSIONS: Final[Mapping[Permission, Grant]] = MappingProxyType(
    {
        Permission.SIGNED_IN: _grant(ROLES),
        Permission.SUBMIT_CONTACT: _grant(
            (PARTNER, SCREENER, MANAGER), "Only partners, screeners and managers submit contacts."
        ),
        Permission.ADD_INFORMATION: _grant(
            (PARTNER, SCREENER, MANAGER), "Only the referring partner, screeners and managers add information."
        ),
        Permission.LIST_CONTACTS: _grant(
            (PARTNER, *CASEWORK_ROLES), "The list of contacts is for MASH caseworkers, and partners' own for them."
        ),
        Permission.READ_CONTACT: _grant(
            (PARTNER, *CASEWORK_ROLES), "Administrators manage accounts and teams; they do not read children's records."
        ),
        Permission.READ_QUEUE: _grant((SCREENER, MANAGER, THERAPIST)),
        Permission.DECIDE: _grant((SCREENER, MANAGER), "Only screeners and managers decide."),
        Permission.ACT_ON_ANY_CLAIM: _grant((MANAGER,), "Only managers act on contacts another user holds."),
        Permission.OVERSEE: _grant((MANAGER,), "Only managers sign off decisions."),
        Permission.READ_ACCESS_HISTORY: _grant((MANAGER, ADMIN, PRIVACY_OFFICER)),
        Permission.READ_CHILD_HISTORY: _grant((SCREENER, MANAGER, THERAPIST)),
        Permission.READ_OVERDUE_FEEDBACK: _grant((MANAGER, ADMIN)),
        Permission.READ_FLAGS: _grant(CASEWORK_ROLES, "Flags are for MASH caseworkers."),
        Permission.WORK_FLAGS: _grant(
            (THERAPIST,), "Only the systemic family therapist works on flags; the {role} role reads them."
        ),
        Permission.SHARE_INFORMATION: _grant(
            (SCREENER, MANAGER), "MASH checks are requested by screeners and managers."
        ),
        Permission.READ_SHARING_LEDGER: _grant(
            (SCREENER, MANAGER), "The information-sharing ledger is for MASH screeners and managers."
        ),
        Permission.DOWNLOAD_RETURNS: _grant((MANAGER, ADMIN), "Statutory returns are for managers and administrators."),
        Permission.READ_METRICS: _grant((MANAGER, ADMIN)),
        Permission.SEARCH_CHILDREN: _grant(
            (SCREENER, MANAGER, THERAPIST), "Child search is for screeners, managers and the therapist."
        ),
        Permission.WRITE_CASE_NOTES: _grant(
            (SCREENER, MANAGER, THERAPIST), "Only screeners, managers and the therapist write case notes."
        ),
        Permission.RECORD_CONSENT: _grant((SCREENER, MANAGER), "Only screeners and managers record consent."),
        Permission.REOPEN: _grant((MANAGER,), "Only managers reopen contacts."),
        Permission.ALLOCATE: _grant((MANAGER,), "Only managers allocate work."),
        Permission.READ_TEAMS: _grant(STAFF_ROLES, "Teams are for MASH staff."),
        Permission.SET_UP_TEAMS: _grant((ADMIN,), "Only administrators set up teams."),
        Permission.MANAGE_ACCOUNTS: _grant((ADMIN,), "Only administrators manage accounts."),
        Permission.AUDIT_QUALITY: _grant((MANAGER,), "Only managers draw and grade quality audits."),
        Permission.READ_QUALITY: _grant((MANAGER, ADMIN), "Quality audits are for managers and administrators."),
        Permission.REVIEW_SUGGESTIONS: _grant(
            (SCREENER, MANAGER), "Suggested indicators are confirmed or dismissed by screeners and managers."
        ),
        Permission.COMPARE_RULES: _grant((MANAGER,), "Only managers compare rulebooks."),
        Permission.OVERRIDE_REFUSED_CONSENT: _grant((MANAGER,), "Only managers decide early help on refused consent."),
        Permission.RESTRICT_CONTACT: _grant((SCREENER, MANAGER), "Only screeners and managers restrict a contact."),
        Permission.LIFT_RESTRICTION: _grant((MANAGER,), "Only managers lift a restriction."),
        Permission.BREAK_GLASS: _grant(CASEWORK_ROLES, "Only MASH caseworkers open a restricted contact."),
        Permission.READ_PRIVACY_LOG: _grant(
            (PRIVACY_OFFICER,), "The list of break-glass openings and restrictions is for the privacy officer."
        ),
    }
)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a use case, and the request it came in (for the audit trail).

    Every use case that acts for a person takes one. The API builds it once per request from the bearer token
    (`mash.api.auth`); a web view builds it from its signed-in user with `Caller.of(user, request_id=g.request_id)`,
    where `user` is the `mash.models.User` the session cookie names. Jobs act for nobody and pass no caller.
    """

    user_id: str
    name: str
    role: str
    organisation: str
    agency_type: str | None
    request_id: str | None = None
    organisation_id: str | None = None  # the record the organisation's name is of; partner scoping compares it

    @classmethod
    def of(cls, user: User, *, request_id: str | None = None) -> Caller:
        """Return the caller a stored user is, within one request."""
        return cls(user.id, user.name, user.role, user.organisation, user.agency_type, request_id, user.organisation_id)

    @property
    def is_partner(self) -> bool:
        """Say whether the caller is a partner agency rather than MASH staff."""
        return self.role == PARTNER

    @property
    def idempotency_scope(self) -> str:
        """Return where the caller's Idempotency-Keys are unique: a partner's organisation (its retries may come from
        any of its accounts); for staff, who all share the MASH's organisation, the person."""
        return self.organisation if self.is_partner else f"{self.organisation}/{self.user_id}"

    def may(self, permission: Permission) -> bool:
        """Say whether the caller's role holds this permission."""
        return self.role in PERMISSIONS[permission].roles

    def require(self, permission: Permission) -> None:
        """Refuse (403) a caller whose role does not hold this permission."""
        if not self.may(permission):
            raise Forbidden(PERMISSIONS[permission].refusal.format(role=self.role))
