"""Turn a contact's typed input into the facts screening rules look at, one set per child.

Concerns, indicators, consent and the referrer belong to the whole contact, so every child shares them; what
differs between siblings is age, disability and history. Categories and indicators are what the referrer coded
together with what the narrative reader found in the words and nobody dismissed: the words can only add.

Age is taken on the date the contact was received in England (Europe/London), not in UTC.

Age bands:
- ``unborn``: the child has an expected date of delivery. If that date has already passed when the contact is
  received the baby may have been born, so the child is also treated as a ``non_mobile_infant``.
- ``non_mobile_infant``: under ``non_mobile_infant_under_months`` completed months (6 by default, set by the
  rulebook); or a child the referrer says cannot move independently (indicator ``not_independently_mobile``)
  when that child is recorded as disabled or is the only child in the contact. The disability flag alone does
  not make a child non-mobile: most disabled children walk.
- ``under_4``, ``under_5``, ``under_13``, ``under_16``: completed years below 4, 5, 13 or 16 (born children only;
  a baby past its due date counts as under 4 and under 5). Under 4 is the TEN-4-FACESp bruising rule's age.
- ``aged_16_17``: completed years of 16 or 17.
- ``age_unknown``: neither a date of birth nor an expected date of delivery.

A child is identifiable when the contact gives a name, a date of birth, an expected date of delivery or an NHS
number. A contact is anonymous for a child when the referrer's agency type is ``anonymous`` or the child is not
identifiable; it is thin when it is anonymous, names no indicator other than history (``early_help_declined``)
and does not say the child is in immediate danger.

History (``ChildHistory``) is about EARLIER contacts only. When the earlier contacts' concerns are known, a repeat
is judged by its pattern: ``same_concern_again`` (an earlier contact raised a concern of the same category, other
than ``other``) and ``earlier_max_level`` (the highest level recommended earlier, for "escalating").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mash.screening.inputs import ChildInput, ContactInput
from mash.screening.vocabulary import HISTORY_INDICATORS

ENGLAND = "Europe/London"


@dataclass(frozen=True)
class ChildHistory:
    """What earlier records say about one child: counts EARLIER contacts only, never the one being screened.

    ``earlier_categories`` and ``earlier_max_level`` are None when the pattern of earlier contacts is not known; a
    repeat is then judged by its count alone.
    """

    contacts_last_12_months: int = 0
    early_help_declined_or_failed: bool = False
    earlier_categories: frozenset[str] | None = None
    earlier_max_level: int | None = None


@dataclass(frozen=True)
class ChildFacts:
    """Everything the rules may test about one child in one contact."""

    index: int
    categories: frozenset[str]
    indicators: frozenset[str]
    age_years: int | None
    age_months: int | None
    age_bands: frozenset[str]
    household_age_bands: frozenset[str]
    disabled: bool
    consent: str
    immediate_danger: bool
    agency_type: str
    identifiable: bool
    anonymous: bool
    thin: bool
    prior_contacts: int
    early_help_declined: bool
    early_help_declined_before: bool = False
    only_carer: bool = False
    pattern_known: bool = False
    same_concern_again: bool = False
    earlier_max_level: int | None = None
    level_so_far: int = 1

    @property
    def age_in_months(self) -> int | None:
        """Return the child's age in completed months, or None for an unborn child or an unknown age."""
        if self.age_years is None or self.age_months is None:
            return None
        return self.age_years * 12 + self.age_months

    @property
    def escalating(self) -> bool:
        """Return whether this contact is more serious than every earlier one (known earlier levels only)."""
        return self.earlier_max_level is not None and self.level_so_far > self.earlier_max_level


def build_facts(
    contact: ContactInput,
    received_at: dt.datetime,
    histories: Sequence[ChildHistory] = (),
    *,
    non_mobile_infant_under_months: int = 6,
    with_suggestions: bool = True,
) -> tuple[ChildFacts, ...]:
    """Build the facts for every child in a contact, in the order the children were given."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be an aware datetime")
    children = contact.children
    if len(histories) > len(children):
        raise ValueError(f"{len(histories)} histories given for {len(children)} children")
    on = received_at.astimezone(ZoneInfo(ENGLAND)).date()
    categories = contact.categories
    indicators = contact.indicators
    if with_suggestions:
        categories = categories | contact.suggested_categories
        indicators = indicators | contact.suggested_indicators
    specific = bool(indicators - HISTORY_INDICATORS) or contact.immediate_danger
    only_child = len(children) == 1
    concerns = categories - {"other"}

    ages = [_age(child, on) for child in children]
    bands = [
        _age_bands(child, age, on, indicators, only_child, non_mobile_infant_under_months)
        for child, age in zip(children, ages, strict=True)
    ]
    household = frozenset().union(*bands)

    facts = []
    for index, child in enumerate(children):
        history = histories[index] if index < len(histories) else ChildHistory()
        anonymous = contact.agency_type == "anonymous" or not child.identifiable
        years, months = ages[index] or (None, None)
        known = history.earlier_categories is not None
        facts.append(
            ChildFacts(
                index=index,
                categories=categories,
                indicators=indicators,
                age_years=years,
                age_months=months,
                age_bands=bands[index],
                household_age_bands=household,
                disabled=child.disability,
                consent=contact.consent,
                immediate_danger=contact.immediate_danger,
                agency_type=contact.agency_type,
                identifiable=child.identifiable,
                anonymous=anonymous,
                thin=anonymous and not specific,
                prior_contacts=history.contacts_last_12_months,
                early_help_declined=(history.early_help_declined_or_failed or "early_help_declined" in indicators),
                early_help_declined_before=history.early_help_declined_or_failed,
                only_carer="sole_carer" in indicators or contact.adults_caring == 1,
                pattern_known=known,
                same_concern_again=known and bool(concerns & (history.earlier_categories or frozenset())),
                earlier_max_level=history.earlier_max_level,
            )
        )
    return tuple(facts)


def _age(child: ChildInput, on: dt.date) -> tuple[int, int] | None:
    born = child.date_of_birth
    if born is None:
        return None
    months = (on.year - born.year) * 12 + (on.month - born.month) - (1 if on.day < born.day else 0)
    months = max(months, 0)
    return divmod(months, 12)


def _age_bands(
    child: ChildInput,
    age: tuple[int, int] | None,
    on: dt.date,
    indicators: frozenset[str],
    only_child: bool,
    infant_months: int,
) -> frozenset[str]:
    bands: set[str] = set()
    due = child.expected_date_of_delivery
    if age is None:
        if due is None:
            bands.add("age_unknown")
        else:
            bands.add("unborn")
            if due <= on:
                bands.update(("non_mobile_infant", "under_4", "under_5"))
    else:
        years, months = age
        if years * 12 + months < infant_months:
            bands.add("non_mobile_infant")
        if years < 4:
            bands.add("under_4")
        if years < 5:
            bands.add("under_5")
        if years < 13:
            bands.add("under_13")
        if years < 16:
            bands.add("under_16")
        if years in (16, 17):
            bands.add("aged_16_17")
    if "not_independently_mobile" in indicators and (only_child or child.disability):
        bands.add("non_mobile_infant")
    return frozenset(bands)
