"""Administrative units of the two-tier system in force since 1/7/2025 (QĐ 19/2025/QĐ-TTg),
from the pinned `vietnam-provinces` package."""

from __future__ import annotations

from functools import cache

import vietnam_provinces
from vietnam_provinces import Province, ProvinceCode, Ward

DATA_VERSION = (
    f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"
)


@cache
def _wards() -> dict[int, Ward]:
    return {int(w.code): w for w in Ward.iter_all()}


@cache
def _provinces() -> dict[int, Province]:
    return {int(p.code): p for p in Province.iter_all()}


def province_name(code: int) -> str | None:
    """The province's name in force today; None for a code that no longer exists (or never did)."""
    p = _provinces().get(code)
    return p.name if p else None


def commune_name(code: int) -> str | None:
    """The commune's (ward's) name in force today; None for an unknown code."""
    w = _wards().get(code)
    return w.name if w else None


def commune_in_province(commune_code: int, province_code: int) -> bool:
    """Whether the commune lies in the province, by today's boundaries (the check on every
    address)."""
    w = _wards().get(commune_code)
    return w is not None and int(w.province_code) == province_code


def communes_of(province_code: int) -> list[tuple[int, str]]:
    """The province's communes and wards as (code, name), in the package's order."""
    return [(int(w.code), w.name) for w in Ward.iter_by_province(ProvinceCode(province_code))]


def provinces() -> list[tuple[int, str]]:
    """Every province as (code, name), by code."""
    return sorted((code, p.name) for code, p in _provinces().items())
