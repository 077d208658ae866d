"""Pseudonymous attributes of a guest: what department-facing tables may hold instead of the
person."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from luutru_common.events import GuestIdentity
from luutru_common.identity import ID_NUMBER_RE, normalize_passport

# Age groups of the tourism statistics (DOMAIN.md).
AGE_BANDS = (
    (14, "0-14"),
    (24, "15-24"),
    (34, "25-34"),
    (44, "35-44"),
    (54, "45-54"),
    (64, "55-64"),
)


def age_on(birth: date, day: date) -> int:
    """Completed years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: date, day: date) -> str:
    """The age group of the tourism statistics on `day` (0-14 … 65+)."""
    age = age_on(birth, day)
    for upper, label in AGE_BANDS:
        if age <= upper:
            return label
    return "65+"


def document_number(guest: GuestIdentity) -> str | None:
    """The document a guest is known by: the ID number, else the normalised passport."""
    if guest.id_number:
        return guest.id_number.strip()
    if guest.passport_number:
        return normalize_passport(guest.passport_number)
    return None


def guest_key(secret: str, guest: GuestIdentity) -> str | None:
    """HMAC-SHA256 of nationality + document: stable per person, not reversible without the
    secret (a bare hash of a 12-digit number could be brute-forced in minutes)."""
    doc = document_number(guest)
    if doc is None:
        return None
    message = f"{guest.nationality}:{doc}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def origin_province(guest: GuestIdentity) -> str | None:
    """Province of birth registration (digits 1–3 of a Vietnamese ID number, legacy
    63-province codes). Used as "province of origin": the province of residence is not
    reported for most guests."""
    if guest.nationality == "VNM" and guest.id_number and ID_NUMBER_RE.match(guest.id_number):
        return guest.id_number[:3]
    return None
