"""Small groups on a force page seen by people who may not see names: no figure, and no difference of figures on
the page, is about fewer than five people."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from lms.reports.pages import SMALL_GROUP, merge_small_groups


def group(relevant: int, complete: int = 0) -> dict:
    counts = defaultdict(int, overall_relevant=relevant, overall_complete=complete, people=relevant)
    return counts


def test_one_small_group_is_not_shown_alone_beside_the_total():
    items = [("CID", group(12, 6)), ("Response", group(30, 10)), ("Ports", group(2, 1))]

    lines = merge_small_groups(items)

    names = [name for name, _ in lines]
    assert "Ports" not in names
    merged = lines[-1][1]
    # Ports (2) alone would be total minus CID minus Response: the smallest shown group (CID) joins it.
    assert merged["overall_relevant"] == 14 and names[:-1] == ["Response"]


def test_small_groups_that_already_make_five_are_merged_alone():
    items = [("A", group(3)), ("B", group(2)), ("C", group(9)), ("D", group(20))]

    lines = merge_small_groups(items)

    assert [name for name, _ in lines[:-1]] == ["C", "D"]
    assert lines[-1][1]["overall_relevant"] == 5


def test_nothing_changes_when_every_group_is_large_enough():
    items = [("A", group(5)), ("B", group(50))]

    assert merge_small_groups(items) == items


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_line_is_about_fewer_than_five_unless_the_whole_force_is(sizes):
    items = [(f"Group {i}", group(n)) for i, n in enumerate(sizes)]

    lines = merge_small_groups(items)

    assert sum(v["overall_relevant"] for _, v in lines) == sum(sizes)
    if sum(sizes) >= SMALL_GROUP:
        assert all(v["overall_relevant"] >= SMALL_GROUP for _, v in lines)
    else:
        assert len(lines) == 1
