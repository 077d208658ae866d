"""Cell-key perturbation: fixed random rounding of every published count (Statistics New
Zealand's "fixed random rounding", the rounding form of the ABS / ONS cell-key method).

Every record (a stay, a trip passenger) has a fixed random **record key** in [0, 2^24):
the first 24 bits of SHA-256 of its id, the same in Python and in SQL, the same after a
rebuild. The rollups keep, beside each count, the sum of the keys of the records behind it,
so a **cell key** — the sum of its records' keys modulo 2^24 — is known for any cell of any
breakdown and filter without reading the records. A count `n` that is not a multiple of the
base `b` (the suppression threshold) is rounded to a multiple of `b`: up when
`cell_key / 2^24 < (n mod b) / b`, else down — unbiased, never further than `b − 1` from
`n`, and the same set of records always gives the same figure.

What this guarantees: every published count is a multiple of `b`, so any sum or difference
of published counts is one too and never a value from 1 to `b − 1` — a small cell cannot be
worked out by subtracting published figures, however many filters and margins are combined,
and asking again gives nothing new (the same records, the same rounding).
"""

from __future__ import annotations

import hashlib
import uuid

KEY_BITS = 24
KEY_SPACE = 1 << KEY_BITS


def record_key(record_id: uuid.UUID) -> int:
    """The fixed random key of one record: the first 24 bits of SHA-256 of its id."""
    return int.from_bytes(hashlib.sha256(record_id.bytes).digest()[:3], "big")


def record_key_sql(column: str) -> str:
    """`record_key` in SQL, over a uuid column."""
    return f"('x' || left(encode(sha256(uuid_send({column})), 'hex'), 6))::bit(24)::int"


def perturb(count: int, key_sum: int, base: int) -> int:
    """`count` rounded to a multiple of `base`, the direction fixed by the cell key
    (`key_sum` mod 2^24); `base` ≤ 1 leaves it as it is (police)."""
    if base <= 1:
        return count
    rest = count % base
    if rest == 0:
        return count
    up = (key_sum % KEY_SPACE) * base < rest * KEY_SPACE
    return count - rest + (base if up else 0)
