"""The working-day clock: weekends, England and Wales bank holidays, working hours and RAG timescales."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from mash.screening import Timescale, WorkingCalendar
from mash.screening.clock import england_and_wales_bank_holidays

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def london(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 11, 23), True),
        (dt.date(2026, 11, 28), False),
        (dt.date(2026, 11, 29), False),
        (dt.date(2026, 12, 24), True),
        (dt.date(2026, 12, 25), False),
        (dt.date(2026, 12, 28), False),
        (dt.date(2026, 12, 29), True),
        (dt.date(2027, 1, 1), False),
        (dt.date(2026, 4, 3), False),
        (dt.date(2026, 8, 31), False),
        (dt.date(2028, 12, 26), False),
        (dt.date(2029, 12, 26), False),
        (dt.date(2029, 12, 27), True),
        (dt.date(2030, 4, 19), False),
    ],
)
def test_working_days_exclude_weekends_and_bank_holidays(
    calendar: WorkingCalendar, day: dt.date, working: bool
) -> None:
    assert calendar.is_working_day(day) is working


def test_2026_christmas_bank_holidays_come_from_the_bundled_govuk_list() -> None:
    christmas = {d for d in england_and_wales_bank_holidays(2026) if d.month == 12}
    assert christmas == {dt.date(2026, 12, 25), dt.date(2026, 12, 28)}


def test_years_after_the_bundled_list_fall_back_to_the_rules() -> None:
    assert {dt.date(2029, 12, 25), dt.date(2029, 12, 26), dt.date(2029, 8, 27)} <= (
        england_and_wales_bank_holidays(2029)
    )


def test_amber_within_hours_is_due_the_same_time_next_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 24, 11, 0), "amber") == utc(2026, 11, 25, 11, 0)


def test_amber_friday_afternoon_is_due_monday_same_time(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 27, 15, 30), "amber") == utc(2026, 11, 30, 15, 30)


def test_amber_friday_evening_is_due_at_the_end_of_monday(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 27, 18, 0), "amber") == utc(2026, 11, 30, 17, 0)


def test_amber_on_saturday_is_due_at_the_end_of_monday(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 28, 11, 0), "amber") == utc(2026, 11, 30, 17, 0)


def test_amber_before_opening_is_due_at_the_end_of_that_day(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 24, 7, 30), "amber") == utc(2026, 11, 24, 17, 0)


def test_green_is_three_working_days_across_a_weekend(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 25, 10, 0), "green") == utc(2026, 11, 30, 10, 0)


def test_amber_on_christmas_eve_skips_christmas_the_weekend_and_the_boxing_day_substitute(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.decision_due_by(utc(2026, 12, 24, 10, 0), "amber") == utc(2026, 12, 29, 10, 0)


def test_green_on_christmas_eve(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 12, 24, 10, 0), "green") == utc(2026, 12, 31, 10, 0)


def test_amber_on_christmas_day_is_due_at_the_end_of_29_december(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 12, 25, 12, 0), "amber") == utc(2026, 12, 29, 17, 0)


def test_green_on_new_years_eve_skips_new_years_day(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 12, 31, 10, 0), "green") == utc(2027, 1, 6, 10, 0)


def test_red_is_four_elapsed_hours_even_out_of_hours(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(utc(2026, 11, 28, 2, 0), "red") == utc(2026, 11, 28, 6, 0)
    assert calendar.decision_due_by(utc(2026, 12, 25, 20, 0), "red") == utc(2026, 12, 26, 0, 0)


def test_results_are_in_utc_during_british_summer_time(calendar: WorkingCalendar) -> None:
    due = calendar.decision_due_by(london(2026, 6, 1, 10, 0), "amber")
    assert due == london(2026, 6, 2, 10, 0)
    assert due.tzinfo is UTC
    assert (due.hour, due.minute) == (9, 0)


def test_the_clock_starts_by_london_time_whatever_zone_the_time_was_given_in(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(utc(2026, 6, 1, 8, 30), 1) == utc(2026, 6, 1, 9, 30)
    assert calendar.add_working_hours(utc(2026, 6, 1, 16, 30), 1) == utc(2026, 6, 2, 9, 0)


def test_working_time_across_the_clocks_going_forward(calendar: WorkingCalendar) -> None:
    assert calendar.decision_due_by(london(2026, 3, 27, 15, 0), "amber") == utc(2026, 3, 30, 14, 0)


def test_councils_can_use_2_6_24_hour_timescales(calendar: WorkingCalendar) -> None:
    timescales = {"red": "2 hours", "amber": "6 working hours", "green": "24 working hours"}
    received = utc(2026, 11, 23, 14, 0)
    assert calendar.decision_due_by(received, "red", timescales) == utc(2026, 11, 23, 16, 0)
    assert calendar.decision_due_by(received, "amber", timescales) == utc(2026, 11, 24, 12, 0)
    assert calendar.decision_due_by(received, "green", timescales) == utc(2026, 11, 26, 14, 0)


def test_working_hours_are_configurable() -> None:
    calendar = WorkingCalendar(opens=dt.time(8, 30), closes=dt.time(18, 0))
    assert calendar.decision_due_by(utc(2026, 11, 27, 18, 30), "amber") == utc(2026, 11, 30, 18, 0)
    assert calendar.add_working_hours(utc(2026, 11, 27, 17, 0), 2) == utc(2026, 11, 30, 9, 30)


def test_a_deadline_at_closing_time_stays_on_that_day(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(utc(2026, 11, 23, 9, 0), 8) == utc(2026, 11, 23, 17, 0)
    assert calendar.add_working_days(utc(2026, 11, 23, 9, 0), 1) == utc(2026, 11, 23, 17, 0)
    assert calendar.add_working_days(utc(2026, 11, 23, 17, 0), 1) == utc(2026, 11, 24, 17, 0)


def test_the_clock_starts_at_the_opening_time_itself_but_not_at_the_closing_time(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(london(2026, 11, 23, 9, 0), 0) == utc(2026, 11, 23, 9, 0)
    assert calendar.add_working_hours(london(2026, 11, 27, 17, 0), 0) == utc(2026, 11, 30, 9, 0)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("4 hours", Timescale(4, "hours")),
        ("1 hour", Timescale(1, "hours")),
        ("6 working hours", Timescale(6, "working_hours")),
        ("1 working day", Timescale(1, "working_days")),
        ("3 Working Days", Timescale(3, "working_days")),
        ("0.5 working days", Timescale(0.5, "working_days")),
    ],
)
def test_timescale_specs(spec: str, expected: Timescale) -> None:
    assert Timescale.parse(spec) == expected


@pytest.mark.parametrize("spec", ["soon", "4", "four hours", "2 weeks", "-1 hours"])
def test_bad_timescale_specs_are_refused(spec: str) -> None:
    expected = f"not a timescale: {spec!r} (try '4 hours', '6 working hours', '1 working day')"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        Timescale.parse(spec)


def test_naive_datetimes_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match=r"^datetimes must be aware \(carry a time zone\)$"):
        calendar.decision_due_by(dt.datetime(2026, 11, 23, 10, 0), "amber")
    with pytest.raises(ValueError, match=r"^datetimes must be aware \(carry a time zone\)$"):
        calendar.decision_due_by(dt.datetime(2026, 11, 23, 10, 0), "red")


def test_unknown_rag_and_negative_time_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match=r"^no timescale for RAG 'purple'$"):
        calendar.decision_due_by(utc(2026, 11, 23, 10, 0), "purple")
    with pytest.raises(ValueError, match=r"^cannot count working time backwards$"):
        calendar.add_working_hours(utc(2026, 11, 23, 10, 0), -1)


@pytest.mark.parametrize("opens", [dt.time(17, 0), dt.time(9, 0)])
def test_working_hours_must_open_before_they_close(opens: dt.time) -> None:
    with pytest.raises(ValueError, match=r"^working hours must open before they close on the same day$"):
        WorkingCalendar(opens=opens, closes=dt.time(9, 0))


class NoOffset(dt.tzinfo):
    """A time zone that does not know its offset from UTC."""

    def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta | None:
        return None


def test_a_time_whose_zone_has_no_offset_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match=r"^datetimes must be aware \(carry a time zone\)$"):
        calendar.decision_due_by(dt.datetime(2026, 11, 23, 10, 0, tzinfo=NoOffset()), "red")


def test_an_elapsed_hours_deadline_is_given_in_utc(calendar: WorkingCalendar) -> None:
    received = dt.datetime(2026, 7, 4, 2, 0, tzinfo=ZoneInfo("Europe/London"))
    due = calendar.decision_due_by(received, "red")
    assert (due, due.tzinfo) == (dt.datetime(2026, 7, 4, 5, 0, tzinfo=dt.UTC), dt.UTC)
