"""The name beside a breakdown key, for the console and the exports alike (one source:
luutru_common.names, the administrative units and the legacy birth-registration provinces):
"Đồng Nai → Lâm Đồng" for a route, "Phường Biên Hòa" for a commune, "Hàn Quốc" for KOR."""

from __future__ import annotations

from typing import Any

from luutru_common.admin_units import commune_name, province_name
from luutru_common.identity import LEGACY_BIRTH_PROVINCES
from luutru_common.names import country

NAMED_BY = frozenset(
    {
        "route",
        "origin_province",
        "destination_province",
        "commune",
        "nationality",
        "residence",
        "birth_province",
    }
)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _province(code: str) -> str | None:
    number = _int(code)
    return province_name(number) if number is not None else None


def key_name(by: str, key: Any) -> str | None:
    """The Vietnamese name of a breakdown key; None when the key has none (OTHER, unknown,
    domestic…: the console words those) or is not known."""
    text = str(key)
    if by == "route":
        origin, _, destination = text.partition("-")
        a, b = _province(origin), _province(destination)
        return f"{a} → {b}" if a and b else None
    if by in ("origin_province", "destination_province"):
        return _province(text)
    if by == "birth_province":  # digits 1–3 of the ID number: the legacy provinces
        return LEGACY_BIRTH_PROVINCES.get(text)
    if by == "commune":
        number = _int(text)
        return commune_name(number) if number is not None else None
    if by in ("nationality", "residence"):
        found = country(text) if len(text) == 3 else None
        return found.name_vi if found else None
    return None


def with_names(by: str, rows: list[dict]) -> list[dict]:
    """Each row with its `name` right after its `key` (a column of the exports too)."""
    out = []
    for row in rows:
        named: dict = {}
        for k, v in row.items():
            named[k] = v
            if k == "key":
                named["name"] = row.get("name") or key_name(by, v)
        out.append(named)
    return out
