"""A range of room numbers as a receptionist writes it: "101–120", "A1–A12", "B01-B20".

Both ends carry the same letters (the second may leave them out: "A1–12"), the numbers go
up, and zero padding is kept ("B01–B12" → B01 … B12). Anything else is refused with the
reason, never guessed at.
"""

from __future__ import annotations

import re

MAX_ROOMS = 500

# letters (any, Vietnamese included) and separators before the number; en/em dash, hyphen,
# "..", "đến" or "to" between the two ends.
_RANGE = re.compile(
    r"^\s*(?P<p1>[^\W\d_]*[ .\-/]?)(?P<n1>\d+)\s*"
    r"(?:–|—|-|\.\.|~|\s+đến\s+|\s+to\s+)\s*"
    r"(?P<p2>[^\W\d_]*[ .\-/]?)(?P<n2>\d+)\s*$",
    re.IGNORECASE,
)


class RangeError(ValueError):
    """Why a range cannot be read: a code and the message in both languages."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en


def expand(text: str) -> list[str]:
    """The room numbers of a range, in order."""
    m = _RANGE.match(text)
    if m is None:
        raise RangeError(
            "range-unreadable",
            f"Không đọc được dãy phòng «{text}»; viết như 101–120 hoặc A1–A12",
            f"Cannot read the range “{text}”; write it like 101–120 or A1–A12",
        )
    p1, p2 = m["p1"], m["p2"]
    if p2 and p1.upper() != p2.upper():
        raise RangeError(
            "range-prefix-mismatch",
            f"Hai đầu dãy phải cùng ký hiệu ({p1 or 'không có'} và {p2})",
            f"Both ends must have the same letters ({p1 or 'none'} and {p2})",
        )
    first, last = int(m["n1"]), int(m["n2"])
    if last < first:
        raise RangeError(
            "range-reversed",
            f"Số cuối ({m['n2']}) nhỏ hơn số đầu ({m['n1']})",
            f"The last number ({m['n2']}) is below the first ({m['n1']})",
        )
    if last - first + 1 > MAX_ROOMS:
        raise RangeError(
            "range-too-large",
            f"Một dãy tối đa {MAX_ROOMS} phòng",
            f"At most {MAX_ROOMS} rooms in one range",
        )
    width = len(m["n1"]) if m["n1"].startswith("0") and len(m["n1"]) > 1 else 0
    return [f"{p1}{str(n).zfill(width)}" for n in range(first, last + 1)]
