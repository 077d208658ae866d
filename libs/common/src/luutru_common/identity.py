"""Vietnamese identity helpers: ID numbers and names as DOMAIN.md describes them."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Số định danh cá nhân / CCCD: 12 digits, no check digit. The hard rule.
ID_NUMBER_RE = re.compile(r"^[0-9]{12}$")  # ASCII digits: \d would take "０" and "٣" too
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
ALPHA3_RE = re.compile(r"^[A-Z]{3}$")


def normalize_name(name: str) -> str:
    """NFC, single spaces, trimmed: how names are stored whatever keyboard typed them."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return folded.replace("đ", "d").replace("Đ", "D")


class _Folded(dict):
    """Code point → its folding, filled as characters are met (str.translate's table)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 100_000:
            self[code] = folded
        return folded


# Folding character by character gives the same key as folding the whole name (marks are
# dropped, so their canonical order does not matter) and lets each character's folding be
# cached: the ingest batch path computes this key thousands of times a second, and
# `str.translate` looks each character up in C.
_FOLDED = _Folded()


def name_match_key(name: str) -> str:
    """Accent-folded upper-case key: "Nguyễn Văn Ấn" and "NGUYEN VAN AN" give the same."""
    return " ".join(name.translate(_FOLDED).upper().split())


def normalize_passport(value: str) -> str:
    """A passport number as compared and stored: spaces removed, upper case."""
    return "".join(value.split()).upper()


# Digits 1–3 of a personal ID number: the province of birth registration, in the legacy
# 63-province codes (Thông tư 07/2016/TT-BCA, 59/2021/TT-BCA). The 2025 merger of provinces
# did not renumber IDs already issued, so this table stays as it is.
LEGACY_BIRTH_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "TP. Hồ Chí Minh", "080": "Long An",
    "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip


class IdNumberParts(NamedTuple):
    """What the digits of a 12-digit personal ID number say about its holder. A named tuple:
    every batched guest's ID is decoded, and a frozen dataclass took three times as long to
    build."""

    province_code: str
    province_known: bool
    gender: str  # "male" | "female" (digit 4: even male, odd female)
    birth_year: int  # century from digit 4, last two digits from digits 5–6


def id_number_parts(id_number: str) -> IdNumberParts | None:
    """Decode a valid ID number (``ID_NUMBER_RE``); None for anything else.

    Digit 4 is century and gender: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s,
    6/7 = 2200s, 8/9 = 2300s.
    """
    if not ID_NUMBER_RE.match(id_number):
        return None
    digit = int(id_number[3])
    century = 1900 + 100 * (digit // 2)
    return IdNumberParts(
        province_code=id_number[:3],
        province_known=id_number[:3] in LEGACY_BIRTH_PROVINCES,
        gender="male" if digit % 2 == 0 else "female",
        birth_year=century + int(id_number[4:6]),
    )
