"""Teams that take work from the front door, their members and caseloads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mash.db import Base, UTCDateTime, new_id, utcnow

TEAM_KINDS = (
    "early_help",
    "assessment",
    "child_protection",
    "disabled_children",
    "adolescent",
    "leaving_care",
)


class Team(Base):
    """An early help, assessment or other team, with the workers whose caseloads set its capacity."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    caseload_cap: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[TeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")


class TeamMember(Base):
    """A worker in a team and the number of children they hold now."""

    __tablename__ = "team_members"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    caseload: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    team: Mapped[Team] = relationship(back_populates="members")
