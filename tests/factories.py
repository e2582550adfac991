"""Test data shared between test files."""

from __future__ import annotations

from typing import Any

AMIRA: dict[str, Any] = {
    "first_name": "Amira",
    "last_name": "Rahman",
    "date_of_birth": "2019-04-02",
    "gender": "female",
    "nhs_number": "9990010005",
    "address": {"line_1": "14 Larkspur Road", "town": "London", "postcode": "SW2 5QT"},
    "school_or_setting": "Oakfield Primary School",
}
"""A child as a referrer describes her, whom the partner simulator's data set knows."""
