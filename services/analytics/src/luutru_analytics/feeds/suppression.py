"""Small-cell suppression for non-police readers.

A cell built from fewer than `threshold` people (but more than none) shows no numbers.
Against differencing — working a hidden cell out from a total and its visible siblings — a
second cell is hidden whenever exactly one cell of a group is hidden (the smallest other one),
so a group never has a lone hidden cell next to a total.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def suppress(
    rows: list[dict[str, Any]],
    *,
    threshold: int,
    people: str,
    values: tuple[str, ...],
    group_by: str | None = None,
) -> list[dict[str, Any]]:
    """Mark and blank small cells in place; `people` names the field counting the people
    behind a row (dropped from the output, it would disclose the same)."""
    for row in rows:
        n = row.pop(people)
        row["suppressed"] = bool(threshold and 0 < n < threshold)
        row["_n"] = n
    if threshold and group_by is not None:
        groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[row[group_by]].append(row)
        for members in groups.values():
            hidden = [r for r in members if r["suppressed"]]
            if len(hidden) == 1:
                visible = sorted(
                    (r for r in members if not r["suppressed"] and r["_n"] > 0),
                    key=lambda r: r["_n"],
                )
                if visible:
                    visible[0]["suppressed"] = True
    for row in rows:
        del row["_n"]
        if row["suppressed"]:
            for field in values:
                row[field] = None
    return rows


def ratio(numerator: int | float, denominator: int | float, digits: int = 4) -> float | None:
    """numerator ÷ denominator, rounded; None when there is nothing to divide by."""
    return round(numerator / denominator, digits) if denominator else None
