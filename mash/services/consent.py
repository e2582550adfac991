"""Early help needs the family's consent: a screener cannot decide it on refused consent until consent is recorded."""

from __future__ import annotations

from mash.models import Contact
from mash.problems import Conflict
from mash.services.callers import Caller, Permission


class ConsentRefused(Conflict):
    slug, title = "consent-refused-early-help", "Early help needs the family's consent"


def require_consent_for_early_help(caller: Caller, contact: Contact, outcomes: list[str]) -> None:
    """Refuse early help on refused consent, unless consent has been recorded since or a manager decides."""
    refused = contact.consent_status == "refused"
    if "early_help" in outcomes and refused and not caller.may(Permission.OVERRIDE_REFUSED_CONSENT):
        raise ConsentRefused(
            "The family refused consent and early help is voluntary: record their consent first "
            f"(POST /api/v1/contacts/{contact.id}/consent), or decide another outcome."
        )
