"""Reporting periods: plain dates are whole days as they fall in England; date-times keep their own offset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mash.problems import InvalidFields

ENGLAND = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of UTC instants."""

    start: datetime
    end: datetime

    @property
    def last_day(self) -> date:
        """Return the last day in England the period covers."""
        return local_date(self.end - timedelta(microseconds=1))


def local_date(moment: datetime) -> date:
    """Return the day a moment falls on in England."""
    return moment.astimezone(ENGLAND).date()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ENGLAND).astimezone(UTC)


def period(start: date | datetime, end: date | datetime, max_days: int | None = None) -> Period:
    """Build a period from its bounds: a plain `to` date is included whole; refuse an empty or too long one."""
    first = start.astimezone(UTC) if isinstance(start, datetime) else _start_of(start)
    last = end.astimezone(UTC) if isinstance(end, datetime) else _start_of(end + timedelta(days=1))
    if last <= first:
        raise InvalidFields("The period must end after it starts.", errors={"to": ["Must be after 'from'."]})
    if max_days is not None and last - first > timedelta(days=max_days):
        raise InvalidFields(
            f"Choose a period of at most {max_days} days.", errors={"to": [f"At most {max_days} days after 'from'."]}
        )
    return Period(first, last)
