"""The fine bands of NĐ 282/2025 Art. 10: by the number of persons of one facility and day
not reported by the deadline, 1–3, 4–8 or 9 and more. One table; the SQL that files
facility-days into bands is generated from it."""

from __future__ import annotations

# (most persons in the band, or None for no upper bound; the band's label), in order.
FINE_BANDS: tuple[tuple[int | None, str], ...] = ((3, "1-3"), (8, "4-8"), (None, "9+"))
BANDS = tuple(label for _, label in FINE_BANDS)


def band_sql(persons: str) -> str:
    """A CASE over the SQL expression `persons`: NULL for none, else the band's label."""
    whens = [f"WHEN {persons} = 0 THEN NULL"]
    for upper, label in FINE_BANDS:
        whens.append(
            f"WHEN {persons} <= {upper} THEN '{label}'" if upper is not None else f"ELSE '{label}'"
        )
    return f"CASE {' '.join(whens)} END"
