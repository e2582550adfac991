"""Records joined by confirmed matches are one child, known by the id of the earliest record, however the links
arrive."""

from __future__ import annotations

from datetime import UTC, datetime

from mash.services.reports.people import People


def day(n: int) -> datetime:
    return datetime(2026, 1, n, tzinfo=UTC)


def test_groups_take_the_earliest_record_whichever_order_the_links_come_in() -> None:
    # a (1st) - b (5th) - c (9th) are one child, linked c->b first and b->a last; d (3rd) - e (4th) another child;
    # then f (2nd) turns out to be the same child as e, so d and e take f's id. g was never matched.
    people = People(
        [
            ("c", day(9), "b", day(5)),
            ("e", day(4), "d", day(3)),
            ("b", day(5), "a", day(1)),
            ("e", day(4), "f", day(2)),
            ("c", day(9), "a", day(1)),
        ]
    )
    assert [people.identifier(x) for x in "abcdefg"] == ["a", "a", "a", "f", "f", "f", "g"]


def test_records_received_at_the_same_moment_are_ordered_by_id() -> None:
    people = People([("y", day(1), "x", day(1))])
    assert (people.identifier("x"), people.identifier("y")) == ("x", "x")
