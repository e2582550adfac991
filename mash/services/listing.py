"""Stored objects as lists and records show them: wrappers that the API dumps through the schemas and the web pages
render, each reading through to the object it wraps for that object's own fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mash.models import Contact, Recommendation


class ReadsThrough:
    """Answer for the wrapped object the attributes the wrapper does not have."""

    _through: str

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == self._through:
            raise AttributeError(name)
        return getattr(getattr(self, self._through), name)


class ListedContact(ReadsThrough):
    """A contact as a list shows it: what it is about is left out when it is restricted."""

    _through = "contact"
    contact: Contact

    @property
    def children_count(self) -> int:
        """Return how many children the contact is about."""
        return len(self.contact.children)

    @property
    def restricted(self) -> bool:
        """Say whether the contact is restricted."""
        return self.contact.restriction is not None

    @property
    def categories(self) -> list[str]:
        """Return the contact's categories of concern; none for a restricted contact, in a list."""
        return [] if self.restricted else self.contact.categories


@dataclass(frozen=True)
class ShownRecommendation(ReadsThrough):
    """A recommendation with its team's name; `withheld` leaves out the reasons (what the contact is about), as a
    list shows a restricted contact."""

    _through = "recommendation"
    recommendation: Recommendation
    team_name: str | None
    withheld: bool = False

    @property
    def team(self) -> dict[str, str | None] | None:
        """Return the suggested team's id and name, or None."""
        team_id = self.recommendation.team_id
        return {"id": team_id, "name": self.team_name} if team_id else None

    @property
    def reasons(self) -> list[dict[str, Any]]:
        """Return why the rules recommend it (none when withheld)."""
        return [] if self.withheld else self.recommendation.reasons

    @property
    def children(self) -> list[dict[str, Any]]:
        """Return the recommendation for each child (without reasons when withheld)."""
        children = self.recommendation.children
        return [{**child, "reasons": []} for child in children] if self.withheld else children
