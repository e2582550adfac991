"""Working days and decision deadlines for England and Wales.

Working days are Monday to Friday except England and Wales bank holidays. Bank holidays come from GOV.UK's
list bundled with govuk-bank-holidays (read offline, never downloaded) for the years it covers (2012-2028 in
version 0.19), and from the rule-based `holidays` package (UK, subdivision ENG) for any other year.

Working time runs from the opening to the closing time of each working day (09:00-17:00 Europe/London by
default). A working day is one such period, so:
- ``add_working_hours(t, h)``: the clock starts at ``t`` if ``t`` is within working time, otherwise at the next
  opening; it then counts only working time. A deadline that falls exactly at a closing time is given as that
  closing time, not the next opening.
- ``add_working_days(t, n)`` adds ``n`` whole working days of working time: received Tuesday 11:00, one working
  day is due Wednesday 11:00 (the same time on the next working day). Received out of hours (Friday 18:00, a
  Saturday, a bank holiday, 07:30) the clock starts at the next opening, so one working day is due at the END of
  that next working day (Friday 18:00 -> Monday 17:00).
- ``hours`` timescales are elapsed time that runs through nights, weekends and holidays: a red contact must be
  finished within 4 hours even out of hours (received Saturday 02:00 -> due Saturday 06:00).

Every datetime in must be aware; every datetime out is in UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from govuk_bank_holidays.bank_holidays import BankHolidays

Unit = Literal["hours", "working_hours", "working_days"]

_SPEC = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(working\s+hours?|working\s+days?|hours?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Timescale:
    """How long a decision may take: elapsed hours, working hours or working days."""

    amount: float
    unit: Unit

    @classmethod
    def parse(cls, spec: str) -> Timescale:
        """Parse '4 hours', '6 working hours' or '1 working day' into a timescale."""
        match = _SPEC.match(spec)
        if match is None:
            raise ValueError(f"not a timescale: {spec!r} (try '4 hours', '6 working hours', '1 working day')")
        words = match.group(2).lower().split()
        unit: Unit = "hours" if len(words) == 1 else ("working_days" if words[1].startswith("day") else "working_hours")
        return cls(float(match.group(1)), unit)


DEFAULT_TIMESCALES: Mapping[str, Timescale] = {
    "red": Timescale(4, "hours"),
    "amber": Timescale(1, "working_days"),
    "green": Timescale(3, "working_days"),
}


def england_and_wales_bank_holidays(year: int) -> frozenset[dt.date]:
    """Return the England and Wales bank holidays in a year, from GOV.UK's bundled list or else by rule."""
    bundled = _govuk_bank_holidays()
    if year in bundled:
        return bundled[year]
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


@functools.cache
def _govuk_bank_holidays() -> dict[int, frozenset[dt.date]]:
    calendar = BankHolidays(use_cached_holidays=True)
    by_year: dict[int, set[dt.date]] = {}
    for holiday in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES):
        by_year.setdefault(holiday["date"].year, set()).add(holiday["date"])
    return {year: frozenset(dates) for year, dates in by_year.items()}


class WorkingCalendar:
    """Working days and hours in one time zone, for computing due times."""

    def __init__(
        self,
        opens: dt.time = dt.time(9, 0),
        closes: dt.time = dt.time(17, 0),
        timezone: str = "Europe/London",
    ) -> None:
        if opens >= closes:
            raise ValueError("working hours must open before they close on the same day")
        self.opens = opens
        self.closes = closes
        self.zone = ZoneInfo(timezone)
        today = dt.date(2000, 1, 1)
        self.day_length = dt.datetime.combine(today, closes) - dt.datetime.combine(today, opens)

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether a date is a weekday that is not an England and Wales bank holiday."""
        return day.weekday() < 5 and day not in england_and_wales_bank_holidays(day.year)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """Return the time a number of working hours after start, counting only working time, in UTC."""
        return self._add_working_time(start, dt.timedelta(hours=hours))

    def add_working_days(self, start: dt.datetime, days: float) -> dt.datetime:
        """Return the time a number of whole working days after start, counting only working time, in UTC."""
        return self._add_working_time(start, self.day_length * days)

    def decision_due_by(
        self,
        received_at: dt.datetime,
        rag: str,
        timescales: Mapping[str, Timescale | str] | None = None,
    ) -> dt.datetime:
        """Return when the screening decision on a contact with this RAG is due, in UTC."""
        chosen = (timescales or DEFAULT_TIMESCALES).get(rag)
        if chosen is None:
            raise ValueError(f"no timescale for RAG {rag!r}")
        timescale = Timescale.parse(chosen) if isinstance(chosen, str) else chosen
        if timescale.unit == "hours":
            _require_aware(received_at)
            return (received_at + dt.timedelta(hours=timescale.amount)).astimezone(dt.UTC)
        if timescale.unit == "working_hours":
            return self.add_working_hours(received_at, timescale.amount)
        return self.add_working_days(received_at, timescale.amount)

    def _add_working_time(self, start: dt.datetime, remaining: dt.timedelta) -> dt.datetime:
        _require_aware(start)
        if remaining < dt.timedelta(0):
            raise ValueError("cannot count working time backwards")
        current = self._clock_start(start.astimezone(self.zone))
        while True:
            closing = self._at(current.date(), self.closes)
            available = closing - current
            if remaining <= available:
                return (current + remaining).astimezone(dt.UTC)
            remaining -= available
            current = self._at(self._next_working_day(current.date()), self.opens)

    def _clock_start(self, local: dt.datetime) -> dt.datetime:
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.opens:
                return self._at(day, self.opens)
            if local.time() < self.closes:
                return local
        return self._at(self._next_working_day(day), self.opens)

    def _next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone)


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be aware (carry a time zone)")
