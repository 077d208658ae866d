"""A range of room numbers as a receptionist writes it, read or refused with its reason; the
order and the comparison of room numbers."""

from __future__ import annotations

import pytest

from luutru_ingest.core.rooms import number_key, sort_key
from luutru_ingest.rooms.ranges import MAX_ROOMS, RangeError, expand


@pytest.mark.parametrize(
    ("text", "first", "last", "count"),
    [
        ("101–120", "101", "120", 20),
        ("101-120", "101", "120", 20),
        ("101 — 103", "101", "103", 3),
        ("A1–A12", "A1", "A12", 12),
        ("a1-A3", "a1", "a3", 3),
        ("A1–12", "A1", "A12", 12),
        ("B01-B12", "B01", "B12", 12),
        ("P.1 đến P.3", "P.1", "P.3", 3),
        ("Giường 1..4", "Giường 1", "Giường 4", 4),
        ("7–7", "7", "7", 1),
    ],
)
def test_a_range_gives_every_number_in_order(text, first, last, count):
    numbers = expand(text)
    assert (numbers[0], numbers[-1], len(numbers)) == (first, last, count)
    assert len(set(numbers)) == count


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "range-unreadable"),
        ("101", "range-unreadable"),
        ("101–", "range-unreadable"),
        ("A–B", "range-unreadable"),
        ("A1–B3", "range-prefix-mismatch"),
        ("120–101", "range-reversed"),
        (f"1–{MAX_ROOMS + 1}", "range-too-large"),
    ],
)
def test_a_bad_range_is_refused_with_its_reason(text, code):
    with pytest.raises(RangeError) as refused:
        expand(text)
    assert refused.value.code == code
    assert refused.value.vi and refused.value.en


def test_numbers_compare_without_case_or_extra_spaces_and_sort_as_people_do():
    assert number_key(" a  101 ") == number_key("A 101") == "A 101"
    numbers = ["A10", "A2", "B1", "A1", "101", "20"]
    assert sorted(numbers, key=sort_key) == ["20", "101", "A1", "A2", "A10", "B1"]
