"""Small-cell suppression for non-police readers.

A cell built from fewer than `threshold` people (but more than none) shows no numbers. The
counts of the cells that are shown have been rounded by their cell keys
(core/perturbation.py), which is what defeats differencing: a hidden cell cannot be worked
out from a total and its visible siblings, nor from two overlapping filters, because every
published count is a multiple of the threshold. No second cell needs hiding.
"""

from __future__ import annotations

from typing import Any

# The OpenAPI descriptions of every feed end with this.
DISCLOSURE = (
    " Với các sở: ô dưới 5 người bị ẩn (null, suppressed), mọi số đếm được làm tròn tới bội "
    "của 5 theo khóa ô (cùng tập bản ghi luôn cho cùng số; tổng là một ô riêng). / For "
    "departments: cells of fewer than 5 people are hidden (null, `suppressed`); every count "
    "shown is rounded to a multiple of 5 by its cell key (fixed random rounding: the same "
    "records always give the same figure, off by at most 4, unbiased), so no hidden cell can "
    "be derived by subtracting published figures; a total is a cell of its own, rounded the "
    "same way, and rows may add up to it within a few units. Police see exact figures."
)


def suppress(
    rows: list[dict[str, Any]], *, threshold: int, people: str, values: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Mark and blank small cells in place; `people` names the field counting the people
    behind a row (dropped from the output, it would disclose the same)."""
    for row in rows:
        n = row.pop(people)
        row["suppressed"] = bool(threshold and 0 < n < threshold)
        if row["suppressed"]:
            for field in values:
                row[field] = None
    return rows


def ratio(numerator: int | float, denominator: int | float, digits: int = 4) -> float | None:
    """numerator ÷ denominator, rounded; None when there is nothing to divide by."""
    return round(numerator / denominator, digits) if denominator else None
