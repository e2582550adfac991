"""The server-drawn charts: an axis a manager can read (whole steps for counts), and an empty chart that says so."""

from __future__ import annotations

import re

from mash.web.charts import Series, bars


def axis_marks(svg: str) -> list[str]:
    """The numbers written along the value axis, bottom to top."""
    return re.findall(r'<text x="50" y="[0-9.]+" text-anchor="end" font-size="11">([^<]+)</text>', svg)


def test_counts_are_marked_in_whole_steps() -> None:
    three = bars("c", "Three contacts", "contacts", ["Red", "Amber"], [Series("Waiting", (3.0, 1.0))])
    assert axis_marks(three.svg) == ["0", "1", "2", "3"]
    many = bars("c", "Weekly", "contacts", ["a", "b"], [Series("x", (40.0, 20.0)), Series("y", (35.0, 0.0))])
    assert axis_marks(many.svg) == ["0", "20", "40", "60", "80"]
    hundred = bars("c", "Outcomes", "contacts", ["a"], [Series("x", (100.0,))])
    assert axis_marks(hundred.svg) == ["0", "25", "50", "75", "100"]
    nine = bars("c", "Nine", "contacts", ["a"], [Series("x", (9.0,))])
    assert axis_marks(nine.svg) == ["0", "5", "10"]


def test_hours_may_be_marked_in_fractions() -> None:
    hours = bars("h", "Hours", "hours", ["Red"], [Series("Median", (1.5,))])
    assert axis_marks(hours.svg) == ["0", "0.50", "1", "1.50"]


def test_an_empty_chart_says_so_on_a_whole_axis() -> None:
    empty = bars("q", "Queue", "contacts", ["Red", "Amber"], [Series("Waiting", (0.0, 0.0))], empty="Nothing waits")
    assert ">Nothing waits</text>" in empty.svg
    assert axis_marks(empty.svg) == ["0", "1", "2", "3", "4"]
    full = bars("q", "Queue", "contacts", ["Red"], [Series("Waiting", (2.0,))], empty="Nothing waits")
    assert "Nothing waits" not in full.svg


def test_the_target_line_is_labelled_as_asked() -> None:
    chart = bars("t", "On time", "per cent", ["Red"], [Series("x", (50.0,))], target=90, target_label="target 90%")
    assert ">target 90%</text>" in chart.svg
    assert axis_marks(bars("t", "On time", "per cent", ["Red"], [Series("x", (50.0,))], top=100.0).svg) == [
        "0",
        "25",
        "50",
        "75",
        "100",
    ]


def test_a_series_may_have_its_own_colour() -> None:
    chart = bars("c", "Checks", "checks", ["Police"], [Series("On time", (3.0,)), Series("Overdue", (1.0,), "#d4351c")])
    assert chart.svg.count('fill="#d4351c"') == 2  # the bar and its key
    assert chart.svg.count('fill="#1d70b8"') == 2
