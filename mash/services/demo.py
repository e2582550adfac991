"""A demonstration data set: teams, users of every role, and realistic synthetic contacts from all 22 agency types."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.simulator.dataset import load_dataset
from mash.db import utcnow
from mash.models import Team, TeamMember
from mash.services import accounts, contacts, organisations
from mash.services.callers import Caller
from mash.services.users import UserInvalid, create_user

DEMO_CONTACTS = Path(__file__).resolve().parent.parent / "data" / "demo_contacts.yaml"

PARTNERS: dict[str, tuple[str, str, str]] = {
    "police": ("PC Jane Smith", "Metropolitan Police, Lambeth CAIT", "police"),
    "school": ("Ms R. Okafor (DSL)", "Oakfield Primary School", "school"),
    "education_services": ("Attendance officer", "Lambeth Education Services", "education_services"),
    "gp": ("Dr S. Patel", "Elmfield Medical Practice", "gp"),
    "health_visitor": ("HV Claire Doyle", "Lambeth Health Visiting", "health_visitor"),
    "school_nurse": ("School nurse Tom Reid", "Lambeth School Nursing", "school_nurse"),
    "emergency_department": ("Dr A. Mensah", "St Thomas' Hospital ED", "emergency_department"),
    "health_other": ("Physiotherapist", "Evelina Children's Hospital", "health_other"),
    "housing": ("Housing officer", "Lambeth Housing Options", "housing"),
    "la_social_care": ("Adult social worker", "Lambeth Adult Social Care", "la_social_care"),
    "la_other_internal": ("Youth worker", "Lambeth Youth Service", "la_other_internal"),
    "other_local_authority": ("Housing social worker", "Southwark Children's Services", "other_local_authority"),
    "early_help": ("Lead practitioner", "Lambeth Early Help", "early_help"),
    "primary_health_other": ("Community pharmacist", "Acre Lane Pharmacy", "primary_health_other"),
    "legal_agency": ("Probation officer", "Probation Service, South London", "legal_agency"),
    "other": ("Project worker", "Safe Futures charity", "other"),
}
PUBLIC_CALLERS = {"family_member", "anonymous", "self", "acquaintance", "individual_other", "unknown"}

TEAMS: list[tuple[str, str, list[int]]] = [
    ("Early Help North", "early_help", [12, 14, 9, 15]),
    ("Early Help South", "early_help", [15, 15, 15]),
    ("Assessment Team 1", "assessment", [15, 14, 15, 13, 15, 15]),
    ("Assessment Team 2", "assessment", [11, 12, 10, 13, 14, 12]),
    ("Child Protection Team", "child_protection", [13, 14, 12, 15, 11, 14]),
    ("Children with Disabilities", "disabled_children", [10, 12, 11]),
]


@dataclass(frozen=True)
class DemoResult:
    """What the demo loaded, and the tokens to try it with."""

    tokens: dict[str, str]
    contacts: int
    replayed: int
    sign_ins: dict[str, tuple[str, str]]


def _teams(session: Session) -> None:
    with session.begin():
        known = set(session.execute(select(Team.name)).scalars())
        for name, kind, caseloads in TEAMS:
            if name in known:
                continue
            team = Team(name=name, kind=kind)
            team.members = [
                TeamMember(name=f"{name} social worker {n + 1}", caseload=load) for n, load in enumerate(caseloads)
            ]
            session.add(team)


def _payload(entry: dict[str, Any], families: dict[str, Any], referrer: dict[str, Any], n: int) -> dict[str, Any]:
    family = families[entry["family"]]
    chosen = [c for c in family["children"] if c["id"] in entry["children"]]
    children = [
        {
            key: (date.fromisoformat(value) if key == "date_of_birth" else value)
            for key, value in child.items()
            if key not in ("id", "holdings")
        }
        for child in chosen
    ]
    for child in children:
        if child["date_of_birth"] > utcnow().date():
            child["expected_date_of_delivery"] = child.pop("date_of_birth")
            child.update(first_name=None, gender="unknown")
    adults = [{**adult, "date_of_birth": date.fromisoformat(adult["date_of_birth"])} for adult in family["adults"]]
    status = entry["consent"]
    return {
        "referrer": {**referrer, "external_reference": f"DEMO-{n:03d}"},
        "children": children,
        "adults": adults,
        "concerns": {
            "categories": entry["categories"],
            "indicators": entry.get("indicators", []),
            "summary": entry["summary"],
        },
        "immediate_danger": bool(entry.get("immediate_danger", False)),
        "consent": {"status": status, "reason": entry.get("reason") or ("" if status == "given" else "Not recorded")},
    }


def _demo_user(
    session: Session, key: str, name: str, role: str, organisation: str | None = None, agency: str | None = None
) -> tuple[Caller, str, str, str]:
    """Create a demo user once (a second run issues a fresh token); return it, its token, email and password."""
    email = f"{key.replace('_', '-')}@demo.mash.example"
    password = f"demo {key.replace('_', ' ').replace('-', ' ')} front door"
    try:
        user, token = create_user(session, name, role, organisation, agency, email=email)
    except UserInvalid:
        user, token = accounts.rotate_token(session, email)
    accounts.set_password(session, email, password)
    return Caller.of(user), token, email, password


def load_demo(session: Session) -> DemoResult:
    """Load teams, users and contacts; running it again adds no user and no contact twice."""
    _teams(session)
    tokens: dict[str, str] = {}
    sign_ins: dict[str, tuple[str, str]] = {}
    callers: dict[str, Caller] = {}
    for role in ("screener", "manager", "therapist", "admin", "privacy_officer"):
        callers[role], tokens[role], *sign_in = _demo_user(session, role, f"Demo {role.replace('_', ' ')}", role)
        sign_ins[role] = (sign_in[0], sign_in[1])
    for key, (name, organisation, agency) in PARTNERS.items():
        with contextlib.suppress(organisations.OrganisationInvalid):  # added by an earlier run
            organisations.add(session, organisation, agency)
        callers[key], tokens[f"partner:{key}"], *sign_in = _demo_user(
            session, f"partner-{key}", name, "partner", organisation, agency
        )
        sign_ins[f"partner:{key}"] = (sign_in[0], sign_in[1])
    families = {family["id"]: family for family in load_dataset()["families"]}
    entries = yaml.safe_load(DEMO_CONTACTS.read_text(encoding="utf-8"))
    made = replayed = 0
    for n, entry in enumerate(entries, start=1):
        by = entry["by"]
        if by in PUBLIC_CALLERS:
            caller = callers["screener"]
            referrer = {"name": "Call handler (MASH)", "agency_type": by, "organisation": "Member of the public"}
        else:
            name, organisation, agency = PARTNERS[by]
            caller = callers[by]
            referrer = {"name": name, "agency_type": agency, "organisation": organisation}
        result = contacts.submit_contact(
            session, caller, _payload(entry, families, referrer, n), idempotency_key=f"demo-{n:03d}"
        )
        made += not result.replayed
        replayed += result.replayed
    return DemoResult(tokens, made, replayed, sign_ins)
