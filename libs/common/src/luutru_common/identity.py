"""Vietnamese identity helpers: ID numbers and names as DOMAIN.md describes them."""

from __future__ import annotations

import re
import unicodedata

# Số định danh cá nhân / CCCD: 12 digits, no check digit. The hard rule.
ID_NUMBER_RE = re.compile(r"^\d{12}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
ALPHA3_RE = re.compile(r"^[A-Z]{3}$")


def normalize_name(name: str) -> str:
    """NFC, single spaces, trimmed: how names are stored whatever keyboard typed them."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def name_match_key(name: str) -> str:
    """Accent-folded upper-case key: "Nguyễn Văn Ấn" and "NGUYEN VAN AN" give the same."""
    decomposed = unicodedata.normalize("NFD", name)
    folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    folded = folded.replace("đ", "d").replace("Đ", "D")
    return " ".join(folded.upper().split())


def normalize_passport(value: str) -> str:
    return "".join(value.split()).upper()
