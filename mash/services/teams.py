"""Teams and their capacity: which team that fits an outcome has the most room."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mash.models import Team, TeamMember

ROUTING_FILE = Path(__file__).resolve().parent.parent / "data" / "routing.yaml"


@dataclass(frozen=True)
class TeamCapacity:
    """A team's size, the children it holds, and the room it has left."""

    team_id: str
    name: str
    kind: str
    workers: int
    caseload: int
    capacity: int

    @property
    def free(self) -> int:
        """Return how many more children the team can take."""
        return self.capacity - self.caseload


@dataclass(frozen=True)
class Routing:
    """The team picked for a recommendation, or why none was."""

    team: TeamCapacity | None
    note: str | None


@cache
def routing_table() -> dict[str, Any]:
    """Load which kinds of team take which outcomes."""
    table: dict[str, Any] = yaml.safe_load(ROUTING_FILE.read_text(encoding="utf-8"))
    return table


def fitting_kinds(outcome: str, disabled_child: bool) -> list[str]:
    """Return the kinds of team that may take an outcome, preferred first."""
    table = routing_table()
    if disabled_child and outcome in table.get("disabled_child", {}):
        return list(table["disabled_child"][outcome])
    return list(table["outcomes"].get(outcome, []))


def capacities(session: Session, default_cap: int, kinds: list[str] | None = None) -> list[TeamCapacity]:
    """Return every active team's capacity (optionally only some kinds); call inside a transaction."""
    query = (
        select(
            Team.id,
            Team.name,
            Team.kind,
            Team.caseload_cap,
            func.count(TeamMember.id),
            func.coalesce(func.sum(TeamMember.caseload), 0),
        )
        .outerjoin(TeamMember, (TeamMember.team_id == Team.id) & TeamMember.active.is_(True))
        .where(Team.active.is_(True))
        .group_by(Team.id, Team.name, Team.kind, Team.caseload_cap)
        .order_by(Team.name)
    )
    if kinds is not None:
        query = query.where(Team.kind.in_(kinds))
    return [
        TeamCapacity(team_id, name, kind, workers, int(caseload), workers * (cap or default_cap))
        for team_id, name, kind, cap, workers, caseload in session.execute(query).all()
    ]


def route(session: Session, outcome: str, disabled_child: bool, default_cap: int) -> Routing:
    """Pick the fitting team with the most free capacity, skipping full ones; say so when all are full."""
    kinds = fitting_kinds(outcome, disabled_child)
    if not kinds:
        return Routing(None, None)
    teams = capacities(session, default_cap, kinds)
    if not teams:
        return Routing(None, f"No active team takes {outcome.replace('_', ' ')}.")
    for kind in kinds:
        open_teams = [t for t in teams if t.kind == kind and t.free > 0]
        if open_teams:
            return Routing(max(open_teams, key=lambda t: t.free), None)
    return Routing(
        None, "Every fitting team is at its caseload cap: the recommendation stands; a manager must allocate."
    )
