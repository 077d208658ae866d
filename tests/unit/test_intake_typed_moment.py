"""The arrival read without regular expressions ("27/11/2026 14:00", what most arrival cells of a
large upload hold) is the one the full reading gives, or a refusal the same way."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from luutru_common.intake import cells

_digits = st.text(alphabet="0123456789", min_size=0, max_size=5)
_separator = st.sampled_from(["/", "-", ".", ":", " ", "  ", "h", ",", "T", "\t", "/"])


def _full_reading(value: str):
    """parse_moment without its shortcut: a value or the refusal's code."""
    original = cells._typed_moment
    cells._typed_moment = lambda _value: None
    try:
        return cells.parse_moment(value)
    except cells.CellError as exc:
        return exc.code
    finally:
        cells._typed_moment = original


def _reading(value: str):
    try:
        return cells.parse_moment(value)
    except cells.CellError as exc:
        return exc.code


@given(st.lists(st.one_of(_digits, _separator), min_size=1, max_size=9).map("".join))
@example("27/11/2026 14:00")
@example("7/1/2026 9:05")
@example("31/02/2026 14:00")  # a day that does not exist
@example("27/11/2026 24:00")  # not a time: the day alone, as the full reading says
@example("27/11/2026 14:60")
@example("27/11/2026  14:00")
@example("２７/11/2026 14:00")  # full-width digits: the full reading folds them
def test_the_shortcut_reads_what_the_full_reading_reads(value):
    assert _reading(value) == _full_reading(value)


def test_the_shortcut_takes_the_usual_cell():
    assert cells._typed_moment("27/11/2026 14:00") is not None
    assert cells._typed_moment("27/11/2026 2:30 PM") is None
