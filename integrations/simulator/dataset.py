"""The synthetic data set shared by the partner simulator and `mash demo`.

`dataset.json` (format "mash-partners-dataset", version 1) is a stable, documented format; the TypedDicts
below are its definition. Every person, address, school and GP practice in it is fictional, and NHS
numbers are in the 999 range reserved for test data. In outline:

    {"format": "mash-partners-dataset", "version": 1, "reference_date": "2026-11-22", "description": "...",
     "families": [{"id": "F01", "address": {"line_1", "town", "postcode"},
                   "adults": [{"first_name", "last_name", "relationship", "date_of_birth",
                               "lives_with_child"}],
                   "children": [ChildRecord, ...]}]}

A ChildRecord carries the fields of a contact's child (first_name, last_name, date_of_birth, gender,
nhs_number, address, school_or_setting, ethnicity as a CIN census code, first_language, disability) plus an
`id` and `holdings`: what each partner holds about the child. `holdings.education` is null for a child on no
school or setting roll. Police incidents linked to the address appear on every child who lives there; a child
is on police systems as a person only when an incident is linked to them.
"""

import json
from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict

from integrations import is_valid_nhs_number

FORMAT = "mash-partners-dataset"
VERSION = 1
GENDERS = ("female", "male", "other", "unknown")
CIN_ETHNICITIES = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
    "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip
CP_IS_FLAGS = ("none", "child_protection_plan", "looked_after")
SEN_STATUSES = ("none", "sen_support", "ehcp")
INCIDENT_LINKS = ("person", "address")


class Address(TypedDict):
    """A postal address; town is London throughout the data set."""

    line_1: str
    town: str
    postcode: str


class PoliceIncident(TypedDict):
    """One police incident; linked_to is person or address."""

    reference: str
    date: str
    category: str
    linked_to: str


class PoliceHoldings(TypedDict):
    """What the police hold about a child and their address."""

    incidents: list[PoliceIncident]
    warning_markers: list[str]


class HealthHoldings(TypedDict):
    """What the NHS holds: the GP practice (None when unregistered) and the CP-IS flag."""

    registered_gp: str | None
    cp_is_flag: str


class EducationHoldings(TypedDict):
    """What the education service holds for the current academic year."""

    school: str
    urn: str
    on_roll: bool
    attendance_percent: float | None
    suspensions: int
    permanent_exclusions: int
    sen_status: str


class Holdings(TypedDict):
    """Per-agency holdings for one child."""

    police: PoliceHoldings
    health: HealthHoldings
    education: EducationHoldings | None


class ChildRecord(TypedDict):
    """One child, shaped like a contact's child plus an id and the partners' holdings."""

    id: str
    first_name: str
    last_name: str
    date_of_birth: str
    gender: str
    nhs_number: str
    address: Address
    school_or_setting: str | None
    ethnicity: str
    first_language: str
    disability: bool
    holdings: Holdings


class AdultRecord(TypedDict):
    """An adult in a child's household or life."""

    first_name: str
    last_name: str
    relationship: str
    date_of_birth: str
    lives_with_child: bool


class FamilyRecord(TypedDict):
    """A household: its address, adults and children."""

    id: str
    address: Address
    adults: list[AdultRecord]
    children: list[ChildRecord]


class Dataset(TypedDict):
    """The whole data set."""

    format: str
    version: int
    reference_date: str
    description: str
    families: list[FamilyRecord]


class DatasetInvalid(ValueError):
    """A data set does not follow the documented format."""


def load_dataset(path: str | Path | None = None) -> Dataset:
    """Load and check the packaged data set, or the one at path."""
    if path is None:
        text = resources.files("integrations.simulator").joinpath("dataset.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return check_dataset(json.loads(text))


def iter_children(dataset: Dataset) -> Iterator[ChildRecord]:
    """Yield every child in the data set, family by family."""
    for family in dataset["families"]:
        yield from family["children"]


def check_dataset(data: Any) -> Dataset:
    """Return data typed as a Dataset, raising DatasetInvalid naming the first thing that is wrong."""
    _expect(isinstance(data, dict), "dataset", "expected an object")
    _expect(data.get("format") == FORMAT and data.get("version") == VERSION, "dataset", f"expected {FORMAT} v1")
    _date(data.get("reference_date"), "dataset.reference_date")
    _expect(isinstance(data.get("families"), list), "dataset.families", "expected an array")
    child_ids: set[str] = set()
    nhs_numbers: set[str] = set()
    for f_index, family in enumerate(data["families"]):
        where = f"families[{f_index}]"
        _keys(family, where, FamilyRecord)
        _address(family["address"], f"{where}.address")
        for a_index, adult in enumerate(family["adults"]):
            _keys(adult, f"{where}.adults[{a_index}]", AdultRecord)
            _date(adult["date_of_birth"], f"{where}.adults[{a_index}].date_of_birth")
        for c_index, child in enumerate(family["children"]):
            _child(child, f"{where}.children[{c_index}]")
            _expect(child["id"] not in child_ids, f"{where}.children[{c_index}].id", "duplicate id")
            _expect(child["nhs_number"] not in nhs_numbers, f"{where}.children[{c_index}]", "duplicate NHS number")
            child_ids.add(child["id"])
            nhs_numbers.add(child["nhs_number"])
    result: Dataset = data
    return result


def _child(child: Any, where: str) -> None:
    _keys(child, where, ChildRecord)
    _date(child["date_of_birth"], f"{where}.date_of_birth")
    _address(child["address"], f"{where}.address")
    _expect(child["gender"] in GENDERS, f"{where}.gender", "unknown gender")
    _expect(child["ethnicity"] in CIN_ETHNICITIES, f"{where}.ethnicity", "not a CIN ethnicity code")
    _expect(
        isinstance(child["nhs_number"], str) and is_valid_nhs_number(child["nhs_number"]),
        f"{where}.nhs_number",
        "not a valid NHS number",
    )
    holdings = child["holdings"]
    _keys(holdings, f"{where}.holdings", Holdings)
    _keys(holdings["police"], f"{where}.holdings.police", PoliceHoldings)
    for i_index, incident in enumerate(holdings["police"]["incidents"]):
        path = f"{where}.holdings.police.incidents[{i_index}]"
        _keys(incident, path, PoliceIncident)
        _date(incident["date"], f"{path}.date")
        _expect(incident["linked_to"] in INCIDENT_LINKS, f"{path}.linked_to", "expected person or address")
    _keys(holdings["health"], f"{where}.holdings.health", HealthHoldings)
    _expect(holdings["health"]["cp_is_flag"] in CP_IS_FLAGS, f"{where}.holdings.health.cp_is_flag", "unknown flag")
    if holdings["education"] is not None:
        _keys(holdings["education"], f"{where}.holdings.education", EducationHoldings)
        sen = holdings["education"]["sen_status"]
        _expect(sen in SEN_STATUSES, f"{where}.holdings.education.sen_status", "unknown SEN status")


def _address(address: Any, where: str) -> None:
    _keys(address, where, Address)
    _expect(all(isinstance(address[key], str) for key in Address.__annotations__), where, "expected strings")


def _keys(record: Any, where: str, kind: type) -> None:
    _expect(isinstance(record, dict), where, "expected an object")
    missing = sorted(set(kind.__annotations__) - set(record))
    _expect(not missing, where, f"missing {', '.join(missing)}")


def _date(value: Any, where: str) -> None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DatasetInvalid(f"{where}: expected a YYYY-MM-DD date") from None


def _expect(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise DatasetInvalid(f"{where}: {problem}")
