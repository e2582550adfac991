"""Build screening's typed input from a stored contact: what was coded, the words, the suggestions, the history."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from mash.models import Contact
from mash.screening.facts import ChildHistory
from mash.screening.inputs import ChildInput, ContactInput, Suggestion
from mash.services import matching
from mash.services.suggestions import texts_of


def contact_input(contact: Contact, suggestions: Iterable[Suggestion] = ()) -> ContactInput:
    """Return what the rules read about a stored contact and what was added to it, with the suggestions kept."""
    caring = [adult for adult in contact.adults if adult.lives_with_child]
    return ContactInput(
        agency_type=contact.agency_type,
        children=tuple(
            ChildInput(
                first_name=child.first_name,
                last_name=child.last_name,
                date_of_birth=child.date_of_birth,
                expected_date_of_delivery=child.expected_date_of_delivery,
                nhs_number=child.nhs_number,
                disability=bool(child.disability),
            )
            for child in contact.children
        ),
        categories=frozenset(contact.categories),
        indicators=frozenset(contact.indicators).union(*(added.indicators for added in contact.information)),
        immediate_danger=contact.immediate_danger,
        consent=contact.consent_status,
        adults_caring=len(caring) if contact.adults else None,
        texts=texts_of(contact),
        suggestions=tuple(suggestions),
    )


def histories(session: Session, contact: Contact) -> list[ChildHistory]:
    """Return what earlier contacts in 12 months say about each child: how many, about what, how serious."""
    result = []
    for child in contact.children:
        earlier = matching.earlier_concerns(session, contact, child)
        levels = [level for _, _, _, level in earlier if level is not None]
        result.append(
            ChildHistory(
                contacts_last_12_months=len(earlier),
                early_help_declined_or_failed=any(
                    "early_help_declined" in indicators or (consent == "refused" and level == 2)
                    for _, indicators, consent, level in earlier
                ),
                earlier_categories=frozenset(c for categories, _, _, _ in earlier for c in categories),
                earlier_max_level=max(levels) if levels else None,
            )
        )
    return result
