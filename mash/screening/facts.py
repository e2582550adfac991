"""Turn a validated contact into the facts screening rules look at, one set per child.

Concerns, indicators, consent and the referrer belong to the whole contact, so every child shares them; what
differs between siblings is age, disability and history.

Age is taken on the date the contact was received in England (Europe/London), not in UTC.

Age bands:
- ``unborn``: the child has an expected date of delivery. If that date has already passed when the contact is
  received the baby may have been born, so the child is also treated as a ``non_mobile_infant``.
- ``non_mobile_infant``: under ``non_mobile_infant_under_months`` completed months (6 by default, set by the
  rulebook); or a child the referrer says cannot move independently (indicator ``not_independently_mobile``)
  when that child is recorded as disabled or is the only child in the contact. The disability flag alone does
  not make a child non-mobile: most disabled children walk.
- ``under_13``, ``under_16``: completed years below 13 or 16 (born children only).
- ``aged_16_17``: completed years of 16 or 17.
- ``age_unknown``: neither a date of birth nor an expected date of delivery.

A child is identifiable when the contact gives a name, a date of birth, an expected date of delivery or an NHS
number. A contact is anonymous for a child when the referrer's agency type is ``anonymous`` or the child is not
identifiable; it is thin when it is anonymous, names no indicator other than history (``early_help_declined``)
and does not say the child is in immediate danger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from mash.screening.vocabulary import HISTORY_INDICATORS

ENGLAND = "Europe/London"


@dataclass(frozen=True)
class ChildHistory:
    """What earlier records say about one child: counts EARLIER contacts only, never the one being screened."""

    contacts_last_12_months: int = 0
    early_help_declined_or_failed: bool = False


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

    @property
    def age_in_months(self) -> int | None:
        """Return the child's age in completed months, or None for an unborn child or an unknown age."""
        if self.age_years is None or self.age_months is None:
            return None
        return self.age_years * 12 + self.age_months


def build_facts(
    contact: Mapping[str, Any],
    received_at: dt.datetime,
    histories: Sequence[ChildHistory] = (),
    *,
    non_mobile_infant_under_months: int = 6,
) -> tuple[ChildFacts, ...]:
    """Build the facts for every child in a validated contact, in the order the children were given."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be an aware datetime")
    children: Sequence[Mapping[str, Any]] = contact.get("children") or ()
    if len(histories) > len(children):
        raise ValueError(f"{len(histories)} histories given for {len(children)} children")
    on = received_at.astimezone(ZoneInfo(ENGLAND)).date()
    concerns: Mapping[str, Any] = contact.get("concerns") or {}
    categories = frozenset(concerns.get("categories") or ())
    indicators = frozenset(concerns.get("indicators") or ())
    referrer: Mapping[str, Any] = contact.get("referrer") or {}
    agency_type = str(referrer.get("agency_type") or "unknown")
    consent: Mapping[str, Any] = contact.get("consent") or {}
    consent_status = str(consent.get("status") or "not_sought")
    immediate_danger = bool(contact.get("immediate_danger", False))
    specific = bool(indicators - HISTORY_INDICATORS) or immediate_danger
    only_child = len(children) == 1

    ages = [_age(child, on) for child in children]
    bands = [
        _age_bands(child, age, on, indicators, only_child, non_mobile_infant_under_months)
        for child, age in zip(children, ages, strict=True)
    ]
    household = frozenset().union(*bands)

    facts = []
    for index, child in enumerate(children):
        history = histories[index] if index < len(histories) else ChildHistory()
        identifiable = _identifiable(child)
        anonymous = agency_type == "anonymous" or not identifiable
        years, months = ages[index] or (None, None)
        facts.append(
            ChildFacts(
                index=index,
                categories=categories,
                indicators=indicators,
                age_years=years,
                age_months=months,
                age_bands=bands[index],
                household_age_bands=household,
                disabled=bool(child.get("disability", False)),
                consent=consent_status,
                immediate_danger=immediate_danger,
                agency_type=agency_type,
                identifiable=identifiable,
                anonymous=anonymous,
                thin=anonymous and not specific,
                prior_contacts=history.contacts_last_12_months,
                early_help_declined=(history.early_help_declined_or_failed or "early_help_declined" in indicators),
            )
        )
    return tuple(facts)


def _as_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _age(child: Mapping[str, Any], on: dt.date) -> tuple[int, int] | None:
    born = _as_date(child.get("date_of_birth"))
    if born is None:
        return None
    months = (on.year - born.year) * 12 + (on.month - born.month) - (1 if on.day < born.day else 0)
    months = max(months, 0)
    return divmod(months, 12)


def _age_bands(
    child: Mapping[str, Any],
    age: tuple[int, int] | None,
    on: dt.date,
    indicators: frozenset[str],
    only_child: bool,
    infant_months: int,
) -> frozenset[str]:
    bands: set[str] = set()
    due = _as_date(child.get("expected_date_of_delivery"))
    if age is None:
        if due is None:
            bands.add("age_unknown")
        else:
            bands.add("unborn")
            if due <= on:
                bands.add("non_mobile_infant")
    else:
        years, months = age
        if years * 12 + months < infant_months:
            bands.add("non_mobile_infant")
        if years < 13:
            bands.add("under_13")
        if years < 16:
            bands.add("under_16")
        if years in (16, 17):
            bands.add("aged_16_17")
    if "not_independently_mobile" in indicators and (only_child or bool(child.get("disability", False))):
        bands.add("non_mobile_infant")
    return frozenset(bands)


def _identifiable(child: Mapping[str, Any]) -> bool:
    return any(
        child.get(field)
        for field in ("first_name", "last_name", "date_of_birth", "expected_date_of_delivery", "nhs_number")
    )
