"""Registration rules (DOMAIN.md). Each rule has a stable code and a message in Vietnamese and
English; every violation of a record is reported at once, not the first one only.

Errors refuse the record; warnings are kept on an accepted record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from luutru_common.identity import ALPHA3_RE, ID_NUMBER_RE, PASSPORT_RE, normalize_passport
from luutru_common.problems import FieldError, field_error
from luutru_ingest.stays.schemas import CheckIn


@dataclass
class Verdict:
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    document_type: str = ""
    document_number: str = ""


def check_in_rules(data: CheckIn, *, today: date, pointer: str = "") -> Verdict:
    v = Verdict()
    id_number = (data.id_number or "").replace(" ", "")
    passport = normalize_passport(data.passport_number or "")
    if not id_number and not passport:
        v.errors.append(
            field_error(
                f"{pointer}/id_number",
                "document-missing",
                "Cần số định danh cá nhân hoặc số hộ chiếu",
                "A personal ID number or a passport number is required",
            )
        )
    if id_number:
        if ID_NUMBER_RE.match(id_number):
            v.document_type, v.document_number = "id_number", id_number
        else:
            v.errors.append(
                field_error(
                    f"{pointer}/id_number",
                    "id-number-format",
                    "Số định danh cá nhân phải gồm đúng 12 chữ số",
                    "The personal ID number must be exactly 12 digits",
                )
            )
    if passport and not v.document_number:
        if PASSPORT_RE.match(passport):
            v.document_type, v.document_number = "passport", passport
        else:
            v.errors.append(
                field_error(
                    f"{pointer}/passport_number",
                    "passport-format",
                    "Số hộ chiếu gồm 5–20 chữ cái hoặc chữ số",
                    "A passport number has 5–20 letters or digits",
                )
            )
    for name in ("nationality", "country_of_residence"):
        value = getattr(data, name)
        if value is not None and not ALPHA3_RE.match(value.upper()):
            v.errors.append(
                field_error(
                    f"{pointer}/{name}",
                    "country-code",
                    "Mã quốc gia phải theo ISO 3166-1 alpha-3 (ví dụ VNM)",
                    "Country codes are ISO 3166-1 alpha-3 (e.g. VNM)",
                )
            )
    if data.date_of_birth > today:
        v.errors.append(
            field_error(
                f"{pointer}/date_of_birth",
                "birth-in-future",
                "Ngày sinh không thể ở tương lai",
                "The date of birth cannot be in the future",
            )
        )
    if data.expected_check_out is not None and data.expected_check_out < data.check_in_at.date():
        v.errors.append(
            field_error(
                f"{pointer}/expected_check_out",
                "check-out-before-check-in",
                "Ngày đi không thể trước ngày đến",
                "Check-out cannot be before check-in",
            )
        )
    return v
