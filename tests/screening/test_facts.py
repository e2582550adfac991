"""Facts built from a validated contact, per child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mash.screening import ChildFacts, ChildHistory, build_facts
from tests.screening.builders import contact_input

RECEIVED = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def contact(*children: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "referrer": {"agency_type": "police"},
        "children": list(children),
        "concerns": {"categories": ["neglect"], "indicators": []},
        "immediate_danger": False,
        "consent": {"status": "not_sought", "reason": "Not yet"},
    }
    body.update(overrides)
    return body


def build(body: dict[str, Any], *args: Any, **kwargs: Any) -> tuple[ChildFacts, ...]:
    return build_facts(contact_input(body), *args, **kwargs)


def named(date_of_birth: dt.date | str, **extra: Any) -> dict[str, Any]:
    return {"first_name": "Sam", "last_name": "Lee", "date_of_birth": date_of_birth, **extra}


def test_age_in_years_and_months_on_the_day_received() -> None:
    (facts,) = build(contact(named(dt.date(2019, 4, 2))), RECEIVED)
    assert (facts.age_years, facts.age_months, facts.age_in_months) == (7, 7, 91)
    assert facts.age_bands == {"under_13", "under_16"}


def test_birthday_counts_from_the_day_itself() -> None:
    (before,) = build(contact(named(dt.date(2010, 11, 24))), RECEIVED)
    (on,) = build(contact(named(dt.date(2010, 11, 23))), RECEIVED)
    assert (before.age_years, before.age_months) == (15, 11)
    assert (on.age_years, on.age_months) == (16, 0)
    assert "aged_16_17" in on.age_bands
    assert "aged_16_17" not in before.age_bands


def test_age_uses_the_date_in_england_not_utc() -> None:
    late_evening_bst = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    (facts,) = build(contact(named(dt.date(2010, 7, 1))), late_evening_bst)
    assert facts.age_years == 16


def test_dates_may_arrive_as_iso_strings() -> None:
    (facts,) = build(contact(named("2026-08-10")), RECEIVED)
    assert facts.age_in_months == 3
    assert "non_mobile_infant" in facts.age_bands


def test_non_mobile_infant_is_under_six_completed_months() -> None:
    (five,) = build(contact(named(dt.date(2026, 5, 24))), RECEIVED)
    (six,) = build(contact(named(dt.date(2026, 5, 23))), RECEIVED)
    assert "non_mobile_infant" in five.age_bands
    assert "non_mobile_infant" not in six.age_bands


def test_infant_threshold_comes_from_the_caller() -> None:
    (facts,) = build(contact(named(dt.date(2026, 5, 1))), RECEIVED, non_mobile_infant_under_months=9)
    assert "non_mobile_infant" in facts.age_bands


def test_disabled_child_is_non_mobile_only_with_the_indicator() -> None:
    body = contact(
        named(dt.date(2020, 1, 1), disability=True),
        named(dt.date(2018, 1, 1), disability=False),
        named(dt.date(2017, 1, 1), disability=True),
    )
    without = build(body, RECEIVED)
    assert all("non_mobile_infant" not in child.age_bands for child in without)
    body["concerns"]["indicators"] = ["injury", "not_independently_mobile"]
    disabled, walking, other_disabled = build(body, RECEIVED)
    assert "non_mobile_infant" in disabled.age_bands
    assert "non_mobile_infant" not in walking.age_bands
    assert "non_mobile_infant" in other_disabled.age_bands


def test_only_child_said_to_be_non_mobile_is_non_mobile() -> None:
    body = contact(named(dt.date(2023, 1, 1)))
    body["concerns"]["indicators"] = ["not_independently_mobile"]
    (facts,) = build(body, RECEIVED)
    assert "non_mobile_infant" in facts.age_bands


def test_unborn_child() -> None:
    (facts,) = build(contact({"expected_date_of_delivery": dt.date(2027, 3, 1)}), RECEIVED)
    assert facts.age_bands == {"unborn"}
    assert facts.age_years is None
    assert facts.age_in_months is None
    assert facts.identifiable
    assert not facts.anonymous


def test_unborn_past_due_date_is_also_treated_as_a_newborn() -> None:
    (facts,) = build(contact({"expected_date_of_delivery": dt.date(2026, 11, 1)}), RECEIVED)
    assert facts.age_bands == {"unborn", "non_mobile_infant", "under_4", "under_5"}


def test_household_bands_are_shared_by_siblings() -> None:
    baby, older = build(
        contact({"expected_date_of_delivery": dt.date(2027, 3, 1)}, named(dt.date(2015, 1, 1))), RECEIVED
    )
    assert baby.household_age_bands == older.household_age_bands == {"unborn", "under_13", "under_16"}
    assert older.age_bands == {"under_13", "under_16"}


def test_contact_level_facts() -> None:
    body = contact(
        named(dt.date(2015, 1, 1)),
        referrer={"agency_type": "school"},
        concerns={"categories": ["neglect", "domestic_abuse"], "indicators": ["repeat_incidents"]},
        immediate_danger=True,
        consent={"status": "refused", "reason": "No"},
    )
    (facts,) = build(body, RECEIVED)
    assert facts.categories == {"neglect", "domestic_abuse"}
    assert facts.indicators == {"repeat_incidents"}
    assert facts.agency_type == "school"
    assert facts.consent == "refused"
    assert facts.immediate_danger
    assert not facts.anonymous
    assert not facts.thin


def test_anonymous_referrer_with_no_indicator_is_thin() -> None:
    (facts,) = build(contact(named(dt.date(2015, 1, 1)), referrer={"agency_type": "anonymous"}), RECEIVED)
    assert facts.identifiable
    assert facts.anonymous
    assert facts.thin


def test_unidentifiable_child_is_anonymous_whoever_refers() -> None:
    (facts,) = build(contact({"gender": "unknown"}), RECEIVED)
    assert not facts.identifiable
    assert facts.anonymous
    assert facts.thin
    assert facts.age_bands == {"age_unknown"}


def test_a_specific_indicator_or_immediate_danger_makes_anonymous_information_not_thin() -> None:
    body = contact({"gender": "unknown"})
    body["concerns"]["indicators"] = ["early_help_declined"]
    assert build(body, RECEIVED)[0].thin
    body["concerns"]["indicators"] = ["injury"]
    assert not build(body, RECEIVED)[0].thin
    body["concerns"]["indicators"] = []
    body["immediate_danger"] = True
    assert not build(body, RECEIVED)[0].thin


def test_histories_are_per_child_and_default_to_none() -> None:
    body = contact(named(dt.date(2015, 1, 1)), named(dt.date(2017, 1, 1)))
    first, second = build(body, RECEIVED, [ChildHistory(contacts_last_12_months=3)])
    assert (first.prior_contacts, first.early_help_declined) == (3, False)
    assert (second.prior_contacts, second.early_help_declined) == (0, False)


def test_early_help_declined_from_history_or_indicator() -> None:
    body = contact(named(dt.date(2015, 1, 1)))
    (from_history,) = build(body, RECEIVED, [ChildHistory(early_help_declined_or_failed=True)])
    assert from_history.early_help_declined
    body["concerns"]["indicators"] = ["early_help_declined"]
    (from_indicator,) = build(body, RECEIVED)
    assert from_indicator.early_help_declined


def test_more_histories_than_children_is_an_error() -> None:
    with pytest.raises(ValueError, match="2 histories given for 1 children"):
        build(contact(named(dt.date(2015, 1, 1))), RECEIVED, [ChildHistory(), ChildHistory()])


def test_received_at_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        build(contact(named(dt.date(2015, 1, 1))), dt.datetime(2026, 11, 23, 10, 0))


@pytest.mark.parametrize(
    ("born", "bands"),
    [
        (dt.date(2022, 11, 23), {"under_5", "under_13", "under_16"}),
        (dt.date(2021, 11, 23), {"under_13", "under_16"}),
        (dt.date(2013, 11, 23), {"under_16"}),
        (dt.date(2010, 11, 23), {"aged_16_17"}),
    ],
)
def test_an_age_band_ends_on_the_birthday_of_its_age(born: dt.date, bands: set[str]) -> None:
    (facts,) = build(contact(named(born)), RECEIVED)
    assert facts.age_bands == bands


def test_a_child_of_one_year_is_twelve_months_old_for_the_infant_threshold() -> None:
    (facts,) = build(contact(named(dt.date(2025, 11, 23))), RECEIVED, non_mobile_infant_under_months=13)
    assert (facts.age_in_months, "non_mobile_infant" in facts.age_bands) == (12, True)


def test_a_date_of_birth_after_the_contact_counts_as_no_months_old() -> None:
    (facts,) = build(contact(named(dt.date(2026, 12, 1))), RECEIVED)
    assert (facts.age_years, facts.age_months) == (0, 0)


def test_a_baby_due_on_the_day_the_contact_arrives_is_also_treated_as_a_newborn() -> None:
    (facts,) = build(contact({"expected_date_of_delivery": dt.date(2026, 11, 23)}), RECEIVED)
    assert facts.age_bands == {"unborn", "non_mobile_infant", "under_4", "under_5"}


def test_a_naive_receipt_time_is_refused_in_so_many_words() -> None:
    with pytest.raises(ValueError, match=r"^received_at must be an aware datetime$"):
        build(contact(named(dt.date(2015, 1, 1))), dt.datetime(2026, 11, 23, 10, 0))
