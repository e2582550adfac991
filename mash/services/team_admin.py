"""Setting up teams: create, change, add members, and read every team's caseload against its cap."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mash.db import read_only
from mash.models import Team, TeamMember, User
from mash.problems import Conflict, InvalidFields, NotFound
from mash.services.callers import Caller, Permission
from mash.services.listing import ReadsThrough

KIND = re.compile(r"[a-z][a-z0-9_]{1,39}")


class TeamNotFound(NotFound):
    slug, title = "team-not-found", "No such team"


class TeamNameTaken(Conflict):
    slug, title = "team-name-taken", "Another team has that name"


@dataclass(frozen=True)
class MemberLoad:
    """A worker, the children they hold and their cap."""

    id: str
    name: str
    user_id: str | None
    caseload: int
    cap: int
    active: bool


@dataclass(frozen=True)
class TeamLoad(ReadsThrough):
    """A team with its members' caseloads, its capacity and its free room; reads through to the team."""

    _through = "team"
    team: Team
    cap: int
    members: list[MemberLoad]

    @property
    def caseload(self) -> int:
        """Return the children the team's active workers hold."""
        return sum(m.caseload for m in self.members if m.active)

    @property
    def capacity(self) -> int:
        """Return how many children the team's active workers may hold."""
        return sum(m.cap for m in self.members if m.active)

    @property
    def free(self) -> int:
        """Return how many more children the team can take."""
        return self.capacity - self.caseload


def _admin(caller: Caller | None) -> None:
    if caller is not None:
        caller.require(Permission.SET_UP_TEAMS)


def _check(name: str | None, kind: str | None, cap: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if name is not None and not name.strip():
        errors["name"] = ["Enter the team's name"]
    if kind is not None and not KIND.fullmatch(kind):
        errors["kind"] = ["Enter a kind in lower case letters and underscores, such as early_help"]
    if cap is not None and not 1 <= cap <= 100:
        errors["caseload_cap"] = ["Enter a caseload cap from 1 to 100 children per worker"]
    if errors:
        raise InvalidFields("Some details of the team are not valid.", errors=errors)


def _find(session: Session, team: str) -> Team:
    found = session.execute(
        select(Team)
        .options(selectinload(Team.members))
        .where((Team.id == team) | (Team.name == team))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        raise TeamNotFound(f"No team {team}.")
    return found


def loads(session: Session, default_cap: int) -> list[TeamLoad]:
    """Return every team with its members' caseloads against their cap, active teams first."""
    with session.begin():
        read_only(session)
        teams = session.execute(
            select(Team)
            .options(selectinload(Team.members))
            .order_by(Team.active.desc(), Team.name)
            .execution_options(populate_existing=True)
        ).scalars()
        return [
            TeamLoad(
                team,
                team.caseload_cap or default_cap,
                [
                    MemberLoad(m.id, m.name, m.user_id, m.caseload, team.caseload_cap or default_cap, m.active)
                    for m in sorted(team.members, key=lambda m: m.name)
                ],
            )
            for team in teams
        ]


def create_team(session: Session, caller: Caller | None, name: str, kind: str, caseload_cap: int | None) -> Team:
    """Create a team (an administrator's task)."""
    _admin(caller)
    _check(name, kind, caseload_cap)
    try:
        with session.begin():
            team = Team(name=name.strip(), kind=kind, caseload_cap=caseload_cap, active=True)
            session.add(team)
            session.flush()
    except IntegrityError:
        session.rollback()
        raise TeamNameTaken(f"There is already a team called {name.strip()}.") from None
    return team


def update_team(session: Session, caller: Caller | None, team: str, changes: dict[str, Any]) -> Team:
    """Change a team's name, kind, cap or whether it is active."""
    _admin(caller)
    _check(changes.get("name"), changes.get("kind"), changes.get("caseload_cap"))
    try:
        with session.begin():
            found = _find(session, team)
            for field in ("name", "kind", "caseload_cap", "active"):
                if field in changes:
                    setattr(found, field, changes[field].strip() if field == "name" else changes[field])
            session.flush()
    except IntegrityError:
        session.rollback()
        raise TeamNameTaken("There is already a team with that name.") from None
    return found


def add_member(session: Session, caller: Caller | None, team: str, name: str, user: str | None = None) -> TeamMember:
    """Add a worker to a team, linked to their account when one is named (by email or name)."""
    _admin(caller)
    if not name.strip():
        raise InvalidFields("Enter the worker's name.", errors={"name": ["Enter the worker's name"]})
    with session.begin():
        found = _find(session, team)
        user_id = None
        if user:
            user_id = session.execute(
                select(User.id).where((User.email == user.strip().casefold()) | (User.name == user.strip()))
            ).scalar()
            if user_id is None:
                raise InvalidFields("No such account.", errors={"user": ["No account has that email or name"]})
        member = TeamMember(team_id=found.id, name=name.strip(), user_id=user_id, caseload=0, active=True)
        session.add(member)
        session.flush()
    return member


def get_team(session: Session, team: str) -> Team:
    """Return one team with its members."""
    with session.begin():
        read_only(session)
        return _find(session, team)
