"""Field types and validators shared by the public schemas."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

import nhs_number
from marshmallow import ValidationError, fields, validate

NHS_NUMBER_FORMAT = re.compile(r"[0-9]{3} ?[0-9]{3} ?[0-9]{4}", re.ASCII)
EARLIEST_DATE_OF_BIRTH = date(1900, 1, 1)
MAX_FREE_TEXT = 20_000
MOMENT_YEARS = range(1900, 9999)
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
BLANK_LETTERS = frozenset("\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")
JOINERS = frozenset("\u200c\u200d")


def today() -> date:
    """Return today's date in UTC, the date the contract's date rules are checked against."""
    return datetime.now(UTC).date()


def add_months(day: date, months: int) -> date:
    """Return the same day some months later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError("unreachable")


def utc_moment(moment: datetime) -> datetime:
    """Return an aware date-time in UTC; refuse one whose UTC time falls outside the years 1900-9998."""
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError("Must fall between the years 1900 and 9998 in UTC.") from error
    if in_utc.year not in MOMENT_YEARS:
        raise ValidationError("Must fall between the years 1900 and 9998 in UTC.")
    return in_utc


class UtcDateTime(fields.AwareDateTime):
    """A date-time with an offset, read as UTC, within the years 1900-9998 (so that arithmetic on it cannot fail)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        return utc_moment(super()._deserialize(value, attr, data, **kwargs))


class Rounded(fields.Float):
    """A number rounded to `places` decimal places on the way out."""

    def __init__(self, places: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.places = places

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> float | None:
        return None if value is None else round(value, self.places)


class Text(fields.String):
    """A string in Unicode normal form C that must not be blank, at most `max_length` characters."""

    def __init__(self, max_length: int = MAX_FREE_TEXT, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs))
        if not text.strip():
            raise ValidationError("Must not be blank.")
        return text


def _joins_a_word(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isalpha() and text[index + 1].isalpha()


def refuse_hidden_characters(text: str) -> None:
    """Refuse a name holding invisible, zero-width or direction-changing characters (a joiner inside a word is kept:
    Persian and Indic names need one)."""
    for index, char in enumerate(text):
        if char in JOINERS and _joins_a_word(text, index):
            continue
        if unicodedata.category(char) in HIDDEN_CATEGORIES or char in BLANK_LETTERS:
            raise ValidationError(f"Must not contain invisible or direction-changing characters (U+{ord(char):04X}).")


class Name(Text):
    """A person's name: normal form C, not blank, no invisible or direction-changing characters."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        refuse_hidden_characters(text)
        return text


class SearchName(fields.String):
    """A name searched for: normal form C, no invisible or direction-changing characters, at most 200 characters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=200), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs))
        refuse_hidden_characters(text)
        return text


class NhsNumber(fields.String):
    """A ten-digit NHS number with a valid modulus-11 check digit; spaces are dropped."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if not NHS_NUMBER_FORMAT.fullmatch(text):
            raise ValidationError("Must be ten digits (spaces allowed as 3-3-4).")
        digits = text.replace(" ", "")
        if len(set(digits)) == 1 or not nhs_number.is_valid(digits):
            raise ValidationError("Is not a valid NHS number (the check digit does not match).")
        return digits


class PastDate(fields.Date):
    """A date in the past or today, not before 1900."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        if day > today():
            raise ValidationError("Must not be in the future.")
        if day < EARLIEST_DATE_OF_BIRTH:
            raise ValidationError("Must not be before 1900-01-01.")
        return day


class ExpectedDelivery(fields.Date):
    """An expected date of delivery: not more than ten months ahead."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        if day > add_months(today(), 10):
            raise ValidationError("Must not be more than 10 months ahead.")
        if day < EARLIEST_DATE_OF_BIRTH:
            raise ValidationError("Must not be before 1900-01-01.")
        return day


def one_of(values: tuple[str, ...]) -> validate.OneOf:
    """Return a validator for an enumeration that lists the allowed values without echoing the input."""
    return validate.OneOf(values, error="Must be one of: {choices}.")
