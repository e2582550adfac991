"""Facts in partners' answers that set a level: each becomes a suggested indicator and the contact is screened again.

A partner's answer carries structured facts beside its summary (`integrations.CheckResult.facts`). The few that
threshold guidance keys on are turned into indicators here: a child protection plan or looked-after status from the
NHS Child Protection Information Sharing service (CP-IS), and repeated domestic abuse incidents from the police.
They are stored as suggestions, like the facts the narrative reader finds in the words, with the line of the answer
they came from, so a screener sees where each came from and may dismiss it with a reason (a wrong match, say).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations import FactValue
from mash.job_names import RESCREEN_CONTACT
from mash.models import Contact, Suggestion
from mash.services import audit, outbox

# Two incidents or more: this contact's and at least one before it (H15, repeated domestic abuse).
REPEATED_DOMESTIC_ABUSE = 2

CP_IS = {
    "child_protection_plan": ("child_protection_plan", "CP-IS: the child is on a child protection plan."),
    "looked_after": ("looked_after", "CP-IS: the child is looked after by a local authority."),
}


@dataclass(frozen=True)
class PartnerFact:
    """An indicator a partner's answer supports, with the words of the answer that support it."""

    indicator: str
    sentence: str
    term: str


def facts_to_indicators(agency: str, facts: Mapping[str, FactValue]) -> list[PartnerFact]:
    """Return the indicators an agency's structured answer supports (none for facts no threshold keys on)."""
    found: list[PartnerFact] = []
    if agency == "health" and isinstance(facts.get("cp_is_flag"), str) and facts["cp_is_flag"] in CP_IS:
        indicator, sentence = CP_IS[str(facts["cp_is_flag"])]
        found.append(PartnerFact(indicator, sentence, f"cp_is_flag={facts['cp_is_flag']}"))
    incidents = facts.get("domestic_abuse_incidents")
    if agency == "police" and isinstance(incidents, int) and incidents >= REPEATED_DOMESTIC_ABUSE:
        sentence = f"Police hold {incidents} domestic abuse incidents linked to the child or their address."
        found.append(PartnerFact("repeat_incidents", sentence, f"domestic_abuse_incidents={incidents}"))
    return found


def check_field(agency: str) -> str:
    """Return where a partner's fact came from, as suggestions name it (beside "summary", "worries" and so on)."""
    return f"{agency} check"


def record(
    session: Session,
    contact_id: str,
    agency: str,
    found: Iterable[PartnerFact],
    now: datetime,
    *,
    confirmed_by: str | None = None,
) -> list[Suggestion]:
    """Store each new fact as a suggestion (in the caller's transaction) and screen the contact again if any is new.

    A fact the screener recorded from a phone call (`confirmed_by`) is stored already confirmed.
    """
    stored = {
        row.name
        for row in session.execute(
            select(Suggestion).where(Suggestion.contact_id == contact_id, Suggestion.kind == "indicator")
        ).scalars()
    }
    added = []
    for fact in found:
        if fact.indicator in stored:
            continue
        row = Suggestion(
            contact_id=contact_id,
            name=fact.indicator,
            kind="indicator",
            field=check_field(agency),
            sentence=fact.sentence,
            term=fact.term,
            reader_version=f"partner:{agency}",
            status="confirmed" if confirmed_by else "suggested",
            found_at=now,
            decided_by=confirmed_by,
            decided_at=now if confirmed_by else None,
        )
        session.add(row)
        stored.add(fact.indicator)
        added.append(row)
    if added:
        names = [row.name for row in added]
        detail = {"agency": agency, "names": names}
        audit.record(session, None, "suggestion.from_partner", [contact_id], detail=detail, at=now)
        contact = session.get(Contact, contact_id)
        if contact is not None and contact.status == "awaiting_decision":
            outbox.add(session, RESCREEN_CONTACT, contact_id, now=now)
    return added
