"""What a rulebook change would do, before adopting it: stored contacts replayed through both rulebooks.

Nothing is written: each contact is screened in one read-only transaction by the current and the candidate
rulebook, from what is stored (coded concerns, the suggestions nobody dismissed, the children's histories).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mash.db import read_only
from mash.models import Contact
from mash.problems import InvalidFields
from mash.screening.engine import ScreeningResult, screen
from mash.screening.rulebook import Rulebook, RulebookError, parse_council_rulebook
from mash.screening.vocabulary import OUTCOMES, outcome_rank
from mash.services import audit, screening, suggestions
from mash.services.callers import Caller, Permission
from mash.services.screening_input import contact_input, histories


@dataclass(frozen=True)
class Moved:
    """A contact whose recommendation differs between the two rulebooks, and the rules that fired differently."""

    contact_id: str
    reference: str
    current: str
    candidate: str
    current_level: int
    candidate_level: int
    rules_changed: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """How recommendations move from the current rulebook to the candidate, over the stored contacts."""

    current_version: str
    candidate_version: str
    contacts: int
    movement: Counter[tuple[str, str]] = field(default_factory=Counter)
    down: tuple[Moved, ...] = ()
    up: tuple[Moved, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the comparison as plain data (the API's and --json's shape)."""
        return {
            "current_version": self.current_version,
            "candidate_version": self.candidate_version,
            "contacts": self.contacts,
            "movement": [
                {"from": current, "to": candidate, "contacts": count}
                for (current, candidate), count in sorted(
                    self.movement.items(), key=lambda item: (outcome_rank(item[0][0]), outcome_rank(item[0][1]))
                )
            ],
            "down": [{**vars(moved), "rules_changed": list(moved.rules_changed)} for moved in self.down],
            "up": len(self.up),
        }

    def table(self) -> str:
        """Return the outcome-to-outcome table and the contacts that would go down, as plain text."""
        width = max(len(o) for o in OUTCOMES) + 2
        lines = [
            f"Rulebook {self.current_version} -> {self.candidate_version}: {self.contacts} contacts replayed",
            "",
            "current \\ candidate".ljust(width + 2) + "".join(o[:12].rjust(14) for o in OUTCOMES),
        ]
        for current in OUTCOMES:
            counts = [self.movement.get((current, candidate), 0) for candidate in OUTCOMES]
            if any(counts):
                lines.append(current.ljust(width + 2) + "".join(str(n).rjust(14) for n in counts))
        lines.append("")
        lines.append(f"{len(self.up)} would go up, {len(self.down)} would go down.")
        for moved in self.down:
            lines.append(
                f"  DOWN {moved.reference}: {moved.current} (level {moved.current_level}) -> {moved.candidate} "
                f"(level {moved.candidate_level}); rules that changed: {', '.join(moved.rules_changed) or '-'}"
            )
        return "\n".join(lines) + "\n"


def compare_rulebooks(
    session: Session,
    current: Rulebook,
    candidate: Rulebook,
    received_from: dt.datetime | None = None,
    received_to: dt.datetime | None = None,
) -> Comparison:
    """Replay the stored contacts received in the window through both rulebooks, changing nothing."""
    movement: Counter[tuple[str, str]] = Counter()
    down: list[Moved] = []
    up: list[Moved] = []
    count = 0
    changed = _changed_rules(current, candidate)
    with session.begin():
        read_only(session)
        query = select(Contact).options(selectinload(Contact.children), selectinload(Contact.adults))
        if received_from is not None:
            query = query.where(Contact.received_at >= received_from)
        if received_to is not None:
            query = query.where(Contact.received_at < received_to)
        for contact in session.execute(query.order_by(Contact.received_at, Contact.id)).scalars():
            facts = contact_input(contact, suggestions.kept(session, contact.id))
            history = histories(session, contact)
            before = screen(facts, contact.received_at, history, current)
            after = screen(facts, contact.received_at, history, candidate)
            count += 1
            movement[(before.outcome, after.outcome)] += 1
            if (outcome_rank(after.outcome), after.level) != (outcome_rank(before.outcome), before.level):
                moved = _moved(contact, before, after, changed)
                lower = (outcome_rank(after.outcome), after.level) < (outcome_rank(before.outcome), before.level)
                (down if lower else up).append(moved)
    return Comparison(current.version, candidate.version, count, movement, tuple(down), tuple(up))


def compare_candidate(
    session: Session,
    caller: Caller,
    text: str,
    rulebook_path: str | None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
) -> Comparison:
    """Compare a candidate rulebook's YAML text with the rulebook in use (managers); refuse one with problems."""
    caller.require(Permission.COMPARE_RULES)
    try:
        candidate = parse_council_rulebook(text)
    except RulebookError as exc:
        raise InvalidFields(
            "The candidate rulebook cannot be used.", errors={"rulebook": [str(p) for p in exc.problems]}
        ) from exc
    comparison = compare_rulebooks(
        session, screening.rulebook_for(rulebook_path), candidate, _start(received_from), _start(received_to)
    )
    with session.begin():
        audit.record(session, caller, "rules.compare", [None], detail={"contacts": comparison.contacts})
    return comparison


def _start(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _changed_rules(current: Rulebook, candidate: Rulebook) -> frozenset[str]:
    def definitions(rulebook: Rulebook) -> dict[str, object]:
        found: dict[str, object] = {rule.id: replace(rule, line=0) for rule in rulebook.rules}
        found.update({step.id: step for step in rulebook.step_ups})
        found[rulebook.consent.id] = rulebook.consent
        return found

    before, after = definitions(current), definitions(candidate)
    return frozenset(rule for rule in before.keys() | after.keys() if before.get(rule) != after.get(rule))


def _moved(contact: Contact, before: ScreeningResult, after: ScreeningResult, changed: frozenset[str]) -> Moved:
    fired = [reason.rule for reason in (*before.reasons, *after.reasons)]
    return Moved(
        contact_id=contact.id,
        reference=contact.reference,
        current=before.outcome,
        candidate=after.outcome,
        current_level=before.level,
        candidate_level=after.level,
        rules_changed=tuple(dict.fromkeys(rule for rule in fired if rule in changed)),
    )
