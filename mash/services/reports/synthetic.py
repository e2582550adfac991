"""A synthetic front door at a borough's volume (siblings, repeat children, confirmed matches, decisions).

Written by direct inserts for tests and benchmarks, and returned with the truth it was built from so that a test
can work out what each report must say without asking the database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from mash.db import new_id
from mash.enums import CIN_REFERRAL_SOURCE, ETHNICITY_CODES, GENDERS, RAGS
from mash.models import Child, ChildMatch, Contact, Decision, Organisation, Team, User
from mash.services import organisations

OUTCOME_WEIGHTS = {
    "nfa": 30,
    "signpost": 15,
    "early_help": 25,
    "assessment": 22,
    "strategy_discussion": 6,
    "immediate_protection": 2,
}
TEAM_OF = {"early_help": "Early Help", "assessment": "Assessment", "strategy_discussion": "Child Protection"}
TEAM_KINDS = {"Early Help": "early_help", "Assessment": "assessment", "Child Protection": "child_protection"}
BATCH = 2000


@dataclass
class Person:
    """A real child: the records made of them, first one first."""

    gender: str
    ethnicity: str | None
    born: date | None
    records: list[str] = field(default_factory=list)


@dataclass
class ChildOnContact:
    """A child as named on one contact, and what was decided for them."""

    record_id: str
    person: Person
    outcome: str | None


@dataclass
class SyntheticContact:
    """One generated contact: when, from whom, about whom, and its final decision."""

    contact_id: str
    received_at: datetime
    source_code: str
    children: list[ChildOnContact]
    decided_at: datetime | None
    team: str | None


@dataclass
class Generated:
    """What was written, in the order it was received."""

    contacts: list[SyntheticContact]
    people: list[Person]


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[Any, list[dict[str, Any]]] = {Contact: [], Child: [], ChildMatch: [], Decision: []}

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.rows[model].append(row)
        if len(self.rows[model]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model in (Contact, Child, ChildMatch, Decision):
            if self.rows[model]:
                self.session.execute(insert(model), self.rows[model])
                self.rows[model] = []


def _moments(rng: random.Random, start: date, months: int, per_month: int) -> Iterator[datetime]:
    first = datetime(start.year, start.month, 1, tzinfo=UTC)
    end = datetime(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1, tzinfo=UTC)
    seconds = int((end - first).total_seconds())
    for offset in sorted(rng.randrange(seconds) for _ in range(per_month * months)):
        yield first + timedelta(seconds=offset)


def _new_person(rng: random.Random, around: date) -> Person:
    born = None if rng.random() < 0.03 else around - timedelta(days=rng.randrange(0, 17 * 365))
    gender = rng.choices(GENDERS, weights=(48, 48, 2, 2))[0]
    ethnicity = None if rng.random() < 0.05 else rng.choice(ETHNICITY_CODES)
    return Person(gender, ethnicity, born)


def _family(rng: random.Random, families: list[list[Person]], around: date) -> list[Person]:
    if families and rng.random() < 0.3:
        return rng.choice(families)
    size = rng.choices((1, 2, 3), weights=(67, 25, 8))[0]
    family = [_new_person(rng, around) for _ in range(size)]
    families.append(family)
    return family


def generate(
    session: Session, start: date, months: int, per_month: int = 1200, seed: int = 15, *, keep: bool = True
) -> Generated:
    """Write `per_month` contacts a month for `months` months from `start`, and return what was written.

    With `keep=False` only the people are kept in memory (for benchmarks of many years).
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic records, reproducible from the seed; no secret)
    writer = _Writer(session)
    with session.begin():
        partner = organisations.find(session, "Synthetic") or Organisation(
            name="Synthetic", name_key=organisations.name_key("Synthetic"), agency_type="police"
        )
        submitter = User(name="Synthetic partner", role="partner", organisation_record=partner)
        screener = User(name="Synthetic screener", role="screener", organisation_record=organisations.council(session))
        teams = {name: Team(name=name, kind=kind, caseload_cap=15) for name, kind in TEAM_KINDS.items()}
        session.add_all([submitter, screener, *teams.values()])
        session.flush()
        families: list[list[Person]] = []
        contacts: list[SyntheticContact] = []
        codes = list(CIN_REFERRAL_SOURCE.values())
        for number, received in enumerate(_moments(rng, start, months, per_month)):
            made = _contact(rng, writer, families, received, number, submitter, screener.id, teams, codes)
            if keep:
                contacts.append(made)
        writer.flush()
    return Generated(contacts, [person for family in families for person in family])


def _contact(
    rng: random.Random,
    writer: _Writer,
    families: list[list[Person]],
    received: datetime,
    number: int,
    submitter: User,
    screener: str,
    teams: dict[str, Team],
    codes: list[str],
) -> SyntheticContact:
    contact_id = new_id()
    family = _family(rng, families, received.date())
    decided = rng.random() < 0.95
    outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0] if decided else None
    source = rng.choice(codes)
    writer.add(
        Contact,
        {
            "id": contact_id,
            "reference": f"S{number:09d}",
            "status": "decided" if decided else "awaiting_decision",
            "organisation": "Synthetic",
            "organisation_id": submitter.organisation_id,
            "submitted_by_id": submitter.id,
            "agency_type": "police",
            "source_code": source,
            "consent_status": "given",
            "categories": ["neglect"],
            "indicators": [],
            "summary": "Synthetic contact.",
            "received_at": received,
            "acknowledged_at": received,
        },
    )
    children = []
    for position, person in enumerate(family):
        record = new_id()
        writer.add(
            Child,
            {
                "id": record,
                "contact_id": contact_id,
                "position": position,
                "gender": person.gender,
                "ethnicity": person.ethnicity,
                "date_of_birth": person.born,
            },
        )
        if person.records:
            writer.add(ChildMatch, _match(record, person.records[-1], received, "confirmed"))
        elif families[0] is not family and rng.random() < 0.1:
            writer.add(ChildMatch, _match(record, rng.choice(families[0]).records[0], received, "rejected"))
        person.records.append(record)
        child_outcome = outcome
        if outcome is not None and len(family) > 1 and rng.random() < 0.1:
            child_outcome = rng.choice(list(OUTCOME_WEIGHTS))
        children.append(ChildOnContact(record, person, child_outcome))
    decided_at, team = None, None
    if outcome is not None:
        decided_at = received + timedelta(minutes=rng.randrange(20, 5 * 24 * 60))
        team = TEAM_OF.get(outcome)
        if rng.random() < 0.03:
            writer.add(Decision, _decision(contact_id, screener, decided_at - timedelta(minutes=10), "nfa", None, []))
        final = _decision(
            contact_id,
            screener,
            decided_at,
            outcome,
            teams[team].id if team else None,
            [{"child_id": c.record_id, "outcome": c.outcome, "rationale": None} for c in children],
        )
        final["rag"] = rng.choices(RAGS, weights=(60, 30, 10))[0]
        final["recommended_outcome"], final["recommended_rag"] = outcome, final["rag"]
        if rng.random() < 0.1:
            final["override"] = True
            final["recommended_outcome"] = rng.choice([o for o in OUTCOME_WEIGHTS if o != outcome])
        writer.add(Decision, final)
    return SyntheticContact(contact_id, received, source, children, decided_at, team)


def _match(child: str, known: str, at: datetime, status: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "child_id": child,
        "known_child_id": known,
        "score": 0.95,
        "band": "likely",
        "evidence": [],
        "status": status,
        "created_at": at,
    }


def _decision(
    contact: str, user: str, at: datetime, outcome: str, team: str | None, children: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "contact_id": contact,
        "decided_by": user,
        "role": "screener",
        "decided_at": at,
        "outcome": outcome,
        "rag": "green",
        "rationale": "Synthetic decision.",
        "team_id": team,
        "children": children,
        "override": False,
    }
