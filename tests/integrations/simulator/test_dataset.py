import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from integrations import is_valid_nhs_number
from integrations.simulator.dataset import (
    CIN_ETHNICITIES,
    Dataset,
    DatasetInvalid,
    check_dataset,
    iter_children,
    load_dataset,
)

LONDON_POSTCODE = re.compile(r"(E|EC|N|NW|SE|SW|W|WC)[0-9]{1,2}[A-Z]? [0-9][A-Z]{2}")
REFERENCE_DATE = date(2026, 11, 22)
CHILD_FIELDS = {
    "id",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "nhs_number",
    "address",
    "school_or_setting",
    "ethnicity",
    "first_language",
    "disability",
    "holdings",
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_the_data_set_has_about_15_families_and_30_children(dataset: Dataset) -> None:
    children = list(iter_children(dataset))
    assert dataset["format"] == "mash-partners-dataset"
    assert dataset["version"] == 1
    assert len(dataset["families"]) == 15
    assert len(children) == 30
    assert all(set(child) >= CHILD_FIELDS for child in children)


def test_every_nhs_number_is_valid_unique_and_in_the_test_range(dataset: Dataset) -> None:
    numbers = [child["nhs_number"] for child in iter_children(dataset)]
    assert all(is_valid_nhs_number(number) and number.startswith("999") for number in numbers)
    assert len(set(numbers)) == len(numbers)


def test_children_are_aged_0_to_17_on_the_reference_date(dataset: Dataset) -> None:
    ages = [age_on(date.fromisoformat(child["date_of_birth"]), REFERENCE_DATE) for child in iter_children(dataset)]
    assert dataset["reference_date"] == REFERENCE_DATE.isoformat()
    assert min(ages) == 0
    assert max(ages) == 17
    assert all(0 <= age <= 17 for age in ages)


def test_children_have_london_addresses_cin_ethnicities_and_several_heritages(dataset: Dataset) -> None:
    children = list(iter_children(dataset))
    assert all(LONDON_POSTCODE.fullmatch(child["address"]["postcode"]) for child in children)
    assert all(child["address"]["town"] == "London" for child in children)
    assert all(child["ethnicity"] in CIN_ETHNICITIES for child in children)
    assert {"WBRI", "ABAN", "BCRB", "MWBC", "AIND", "OOTH"} <= {child["ethnicity"] for child in children}


def test_holdings_cover_the_scenarios_screeners_meet(dataset: Dataset) -> None:
    children = list(iter_children(dataset))
    police = [child["holdings"]["police"] for child in children]
    health = [child["holdings"]["health"] for child in children]
    education = [child["holdings"]["education"] for child in children if child["holdings"]["education"]]
    assert sum(any(i["category"] == "domestic_abuse" for i in p["incidents"]) for p in police) >= 4
    assert any(p["warning_markers"] for p in police)
    assert sum(h["cp_is_flag"] == "child_protection_plan" for h in health) >= 2
    assert sum(h["cp_is_flag"] == "looked_after" for h in health) == 1
    assert any(e["attendance_percent"] == 71.0 for e in education)
    assert {"sen_support", "ehcp"} <= {e["sen_status"] for e in education}


def test_two_children_share_a_name_and_birth_date_so_searches_can_be_ambiguous(dataset: Dataset) -> None:
    keys = [(c["first_name"], c["last_name"], c["date_of_birth"]) for c in iter_children(dataset)]
    assert len(set(keys)) == len(keys) - 1


def test_a_data_set_can_be_loaded_from_a_file(dataset: Dataset, tmp_path: Path) -> None:
    smaller = copy.deepcopy(dataset)
    smaller["families"] = smaller["families"][:1]
    path = tmp_path / "small.json"
    path.write_text(json.dumps(smaller), encoding="utf-8")

    loaded = load_dataset(path)

    assert [child["first_name"] for child in iter_children(loaded)] == ["Amira", "Yusuf"]


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("version",), 2, "expected mash-partners-dataset v1"),
        (("families", 0, "children", 0, "nhs_number"), "9990010006", "not a valid NHS number"),
        (("families", 0, "children", 0, "date_of_birth"), "02/04/2019", "expected a YYYY-MM-DD date"),
        (("families", 0, "children", 0, "ethnicity"), "ASIAN", "not a CIN ethnicity code"),
        (("families", 0, "children", 0, "holdings", "health", "cp_is_flag"), "cpp", "unknown flag"),
        (("families", 0, "children", 1, "id"), "C01", "duplicate id"),
        (("families", 0, "children", 0, "holdings", "police", "incidents", 0, "linked_to"), "car", "person or"),
    ],
)
def test_a_broken_data_set_is_refused(
    dataset: Dataset, path: tuple[str | int, ...], value: object, problem: str
) -> None:
    broken: Any = copy.deepcopy(dataset)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(DatasetInvalid, match=problem):
        check_dataset(broken)


def test_a_child_missing_a_field_is_refused(dataset: Dataset) -> None:
    broken: Any = copy.deepcopy(dataset)
    del broken["families"][2]["children"][0]["holdings"]

    with pytest.raises(DatasetInvalid, match=r"families\[2\]\.children\[0\]: missing holdings"):
        check_dataset(broken)
