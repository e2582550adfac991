"""The liia-tools check used on the generated year tells the values it rejects from those it reads."""

from __future__ import annotations

from tests.reports.liia import SPEC, clean_category, cleaning_errors, columns

LIST_1 = SPEC["categories"]["List 1"]


def test_gender_other_and_source_5d_are_formatting_errors_and_annex_a_categories_are_not() -> None:
    assert clean_category("Other", LIST_1["Gender"]) == ("", True)
    assert clean_category("5D", LIST_1["Contact Source"]) == ("", True)
    assert clean_category("d) Neither", LIST_1["Gender"]) == ("d) Neither", False)
    assert clean_category("o) 5B: LA services", LIST_1["Contact Source"]) == ("o) 5B: LA services", False)


def test_iso_dates_blank_required_cells_and_bad_counts_are_reported() -> None:
    header = columns("referrals")
    row = ["c1", "b) Female", "a) WBRI", "", "", "2026-07-02", "q) 6: Police", "b) No", "-1", "", "Not yet allocated"]
    errors = cleaning_errors("referrals", header, [row])
    assert [error.split(": ", 1)[1] for error in errors] == ["not a date", "not an integer", "must not be blank"]
