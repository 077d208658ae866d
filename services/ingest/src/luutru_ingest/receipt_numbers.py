"""Receipt numbers: the short number a person reads out on the phone ("K7M-4QX-9PA").

Nine characters from 32 that cannot be mistaken for one another (no 0/O, no 1/I), random
(45 bits from the system's random source, so one number says nothing about the others),
grouped by three. Unique per table (a unique index); the UUIDs stay the ids. A clash is
about one in 10^13 per pair of records: the insert paths then draw again (no extra round
trip until it happens).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 9
# byte → letter: 256 is a multiple of 32, so every letter is equally likely.
_LETTERS = bytes(ord(ALPHABET[b % 32]) for b in range(256))
_PATTERN = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def _grouped(raw: str) -> str:
    return f"{raw[0:3]}-{raw[3:6]}-{raw[6:9]}"


def new_numbers(n: int) -> list[str]:
    """n fresh numbers from one read of the random source (the batch path draws thousands)."""
    text = secrets.token_bytes(LENGTH * n).translate(_LETTERS).decode()
    return [_grouped(text[i : i + LENGTH]) for i in range(0, LENGTH * n, LENGTH)]


def new_number() -> str:
    """One new random receipt number."""
    return new_numbers(1)[0]


def normalize(text: str) -> str | None:
    """The stored form of a number as someone typed it ("k7m 4qx 9pa", "K7M4QX9PA"), or None
    when it cannot be one."""
    raw = re.sub(r"[\s\-.]", "", text or "").upper()
    return _grouped(raw) if _PATTERN.fullmatch(raw) else None
