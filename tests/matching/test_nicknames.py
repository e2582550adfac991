import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from mash.matching.nicknames import (
    TABLE_FILE,
    NicknameTableError,
    are_nicknames,
    canonical_forms,
    parse_table,
)
from mash.matching.normalise import normalise_text


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("Alfie", "Alfred"),
        ("Alf", "Alfred"),
        ("Lexi", "Alexandra"),
        ("Sasha", "Alexandra"),
        ("Alex", "Alexander"),
        ("Bob", "Robert"),
        ("Robbie", "Robert"),
        ("Liz", "Elizabeth"),
        ("Betty", "Elizabeth"),
        ("Eliza", "Elizabeth"),
        ("Billy", "William"),
        ("Liam", "William"),
        ("Harry", "Henry"),
        ("Harry", "Harrison"),
        ("Jack", "John"),
        ("Kate", "Catherine"),
        ("Katie", "Katherine"),
        ("Catherine", "Kathryn"),
        ("Mo", "Mohammed"),
        ("Mohamed", "Muhammad"),
        ("Tom", "Thomas"),
        ("Sam", "Samuel"),
        ("Sam", "Samantha"),
        ("Charlie", "Charles"),
        ("Charlie", "Charlotte"),
        ("Maddie", "Madison"),
        ("Maddie", "Madeleine"),
        ("Ellie", "Eleanor"),
        ("Ellie", "Elena"),
        ("Jamie", "James"),
        ("Danny", "Daniel"),
        ("Josh", "Joshua"),
        ("Matt", "Matthew"),
        ("Mike", "Michael"),
        ("Nat", "Natalie"),
        ("Nat", "Nathaniel"),
        ("Abi", "Abigail"),
        ("Becky", "Rebecca"),
        ("Izzy", "Isabella"),
        ("Freddie", "Frederick"),
        ("Freddie", "Alfred"),
        ("Teddy", "Edward"),
        ("Ned", "Edward"),
        ("Seun", "Oluwaseun"),
        ("Tunde", "Babatunde"),
    ],
)
def test_short_form_and_full_name_are_nicknames(short: str, full: str) -> None:
    assert are_nicknames(short, full)
    assert are_nicknames(full, short)
    assert normalise_text(full) in canonical_forms(short)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Samuel", "Samantha"),
        ("Oliver", "Olivia"),
        ("Alexander", "Alexandra"),
        ("Billy", "Bobby"),
        ("Amira", "Aisha"),
        ("Nathan", "Natalie"),
    ],
)
def test_different_names_are_not_nicknames(first: str, second: str) -> None:
    assert not are_nicknames(first, second)


def test_nicknames_ignore_case_and_accents() -> None:
    assert are_nicknames("ZOË", "zoe")
    assert are_nicknames("  LEXI ", "alexandra")


def test_canonical_forms_of_a_short_form_list_every_full_name_it_may_stand_for() -> None:
    assert canonical_forms("Freddie") == {"freddie", "frederick", "frederic", "fredrick", "alfred"}


def test_canonical_forms_of_an_unknown_name_is_the_name_itself() -> None:
    assert canonical_forms("Chidinma") == {"chidinma"}


def test_parse_table_maps_spellings_to_each_other_and_short_forms_to_them() -> None:
    table = parse_table("# comment\n\nkatherine catherine: kate  # trailing comment\nniamh neve:\n")

    assert table == {
        "katherine": {"katherine", "catherine"},
        "catherine": {"katherine", "catherine"},
        "kate": {"kate", "katherine", "catherine"},
        "niamh": {"niamh", "neve"},
        "neve": {"niamh", "neve"},
    }


@pytest.mark.parametrize("line", ["kate katie", ": kate katie"])
def test_parse_table_rejects_a_line_without_full_names(line: str) -> None:
    with pytest.raises(NicknameTableError, match="line 2"):
        parse_table(f"alfred: alfie\n{line}\n")


def test_shipped_table_is_normalised_and_has_the_expected_size() -> None:
    text = files("mash.matching").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    groups = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    names = [name for line in groups for name in line.replace(":", " ").split()]

    assert 80 <= len(groups) <= 150
    assert all(normalise_text(name) == name for name in names)


def test_table_is_not_read_at_import() -> None:
    probe = (
        "import mash.matching, mash.matching.nicknames as n;"
        "assert n._table.cache_info().currsize == 0;"
        "n.are_nicknames('Alfie', 'Alfred');"
        "assert n._table.cache_info().currsize == 1"
    )

    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).parents[2])
