"""Registration rules (DOMAIN.md). Each rule has a stable code and a message in Vietnamese and
English; every violation of a record is reported at once, not the first one only.

Errors refuse the record; warnings are kept on an accepted record. The same function serves
check-in, batches, uploads, corrections, trip passengers and the dry run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

import pycountry
from pydantic import ValidationError

from luutru_common.identity import (
    ID_NUMBER_RE,
    PASSPORT_RE,
    id_number_parts,
    normalize_passport,
)
from luutru_common.problems import FieldError, field_error, validation_errors
from luutru_ingest.core.guest import CheckIn
from luutru_ingest.core.qr import parse_qr

ADULT_AGE = 18
LONG_STAY_DAYS = 30  # stays this long should be registered as tạm trú instead
# A guest is registered on arrival: a check-in further ahead of the server's clock than this
# (clocks drift, a receptionist rounds up) is refused.
FUTURE_CHECK_IN_MARGIN = timedelta(minutes=15)
VISA_EXEMPT = "exempt"
# Codes that appear in passports' MRZ but are not ISO 3166 countries (ICAO Doc 9303).
MRZ_CODES = {
    "D": "DEU",  # Germany writes D<< in the MRZ
    "GBD": "GBD",
    "GBN": "GBN",
    "GBO": "GBO",
    "GBP": "GBP",
    "GBS": "GBS",
    "UNO": "UNO",
    "UNA": "UNA",
    "UNK": "UNK",
    "XXA": "XXA",
    "XXB": "XXB",
    "XXC": "XXC",
    "XXX": "XXX",
    "EUE": "EUE",
    "RKS": "RKS",
}


@cache
def _iso_alpha3() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-3 (or an MRZ code), upper-cased; None when unknown."""
    code = value.upper().rstrip("<")
    if code in _iso_alpha3():
        return code
    return MRZ_CODES.get(code)


@dataclass
class Verdict:
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    document_type: str = ""
    document_number: str = ""
    guest: CheckIn | None = None  # the record with QR data merged in
    source: str = "typed"
    unaccompanied_minor: bool = False  # police-only: never reported to the facility

    def error(self, pointer: str, code: str, vi: str, en: str) -> None:
        self.errors.append(field_error(pointer, code, vi, en))

    def warn(self, pointer: str, code: str, vi: str, en: str) -> None:
        self.warnings.append(field_error(pointer, code, vi, en))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_in_rules(
    data: CheckIn, *, today: date, pointer: str = "", now: datetime | None = None
) -> Verdict:
    """The rules of one registration. ``today`` is the local day; with ``now`` (the server's
    clock, aware, in the local time zone: a naive check_in_at is read in its zone) a check-in
    more than FUTURE_CHECK_IN_MARGIN ahead is refused — callers whose arrival may be planned
    ahead (a trip's departure) leave it out."""
    v = Verdict()
    p = pointer
    if data.qr:
        data = _with_qr(v, data, p)
    v.guest = data
    if now is not None:
        _future_rule(v, data.check_in_at, now, p)
    _required_rules(v, data, p)
    passport = _document_rules(v, data, p)
    _country_rules(v, data, passport, today, p)
    _date_rules(v, data, today, p)
    return v


def _with_qr(v: Verdict, data: CheckIn, p: str) -> CheckIn:
    """The registration with the chip-card QR's identity filling what was not typed."""
    qr, qr_errors = parse_qr(data.qr, pointer=f"{p}/qr")
    v.errors.extend(qr_errors)
    if qr is not None:
        # QR fields fill what was not typed; the record is marked as QR-sourced.
        typed = data.model_dump(exclude_unset=True, exclude_none=True)
        merged = {
            "id_number": qr.id_number,
            "legacy_id_number": qr.legacy_id_number,
            "full_name": qr.full_name,
            "date_of_birth": qr.date_of_birth,
            "gender": qr.gender,
            **typed,
        }
        try:
            data = CheckIn.model_validate(merged)
            v.source = "qr"
        except ValidationError as exc:  # what the QR says breaks a field's bounds
            v.errors.extend(_qr_field_errors(exc, f"{p}/qr"))
    return data


def _required_rules(v: Verdict, data: CheckIn, p: str) -> None:
    for name, vi, en in (
        ("full_name", "họ tên", "full name"),
        ("date_of_birth", "ngày sinh", "date of birth"),
        ("gender", "giới tính", "gender"),
    ):
        if getattr(data, name) is None:  # in words: people read it under the field
            v.error(f"{p}/{name}", "required", f"Thiếu {vi}", f"The {en} is required")


_NO_DOCUMENT = (
    "Cần số định danh cá nhân hoặc số hộ chiếu",
    "A personal ID number or a passport number is required",
)
_ONLY_CMND = (
    "Chỉ có số CMND cũ (9 số), không còn giá trị từ 31/12/2024: cần số định danh cá nhân (12 "
    "số, trên thẻ căn cước) hoặc số hộ chiếu",
    "Only an old 9-digit ID card (CMND) number, no longer valid since 31/12/2024: the "
    "personal ID number (12 digits, on the citizen ID card) or a passport number is required",
)


def _document_rules(v: Verdict, data: CheckIn, p: str) -> str:
    """The identity document: an ID number or a passport, well formed; sets the verdict's
    document. Returns the normalised passport number ("" without one)."""
    id_number = (data.id_number or "").replace(" ", "")
    passport = normalize_passport(data.passport_number or "")
    if not id_number and not passport:
        # With only the old 9-digit CMND the operator sees a number and must be told why it
        # is not enough.
        v.error(
            f"{p}/id_number",
            "document-missing",
            *(_ONLY_CMND if data.legacy_id_number else _NO_DOCUMENT),
        )
    if id_number:
        if ID_NUMBER_RE.match(id_number):
            v.document_type, v.document_number = "id_number", id_number
            _id_number_warnings(v, id_number, data, p)
        else:
            v.error(
                f"{p}/id_number",
                "id-number-format",
                "Số định danh cá nhân phải gồm đúng 12 chữ số",
                "The personal ID number must be exactly 12 digits",
            )
    if passport:
        if not PASSPORT_RE.match(passport):
            v.error(
                f"{p}/passport_number",
                "passport-format",
                "Số hộ chiếu gồm 5–20 chữ cái hoặc chữ số",
                "A passport number has 5–20 letters or digits",
            )
        elif not v.document_number:
            v.document_type, v.document_number = "passport", passport
    if data.legacy_id_number and not (
        data.legacy_id_number.isascii()
        and data.legacy_id_number.isdigit()
        and len(data.legacy_id_number) == 9
    ):
        v.error(
            f"{p}/legacy_id_number",
            "legacy-id-format",
            "Số CMND cũ phải gồm 9 chữ số",
            "The old ID card number must be 9 digits",
        )
    return passport


def _country_rules(v: Verdict, data: CheckIn, passport: str, today: date, p: str) -> None:
    """Country codes, and the foreigners' rules (visa, entry) for a nationality not VNM."""
    nationality = country_code(data.nationality)
    for name in ("nationality", "country_of_residence"):
        value = getattr(data, name)
        if value is not None and country_code(value) is None:
            v.error(
                f"{p}/{name}",
                "country-code",
                "Mã quốc gia phải theo ISO 3166-1 alpha-3 (ví dụ VNM)",
                "Country codes are ISO 3166-1 alpha-3 (e.g. VNM)",
            )
    if nationality is not None and nationality != "VNM":
        _foreigner_rules(v, data, passport, today, p)


def _date_rules(v: Verdict, data: CheckIn, today: date, p: str) -> None:
    """The date of birth (and a minor's rules), the expected check-out, the accompanying
    adult."""
    arrival_day = data.check_in_at.date()
    if data.date_of_birth is not None:
        if data.date_of_birth > today:
            v.error(
                f"{p}/date_of_birth",
                "birth-in-future",
                "Ngày sinh không thể ở tương lai",
                "The date of birth cannot be in the future",
            )
        elif _age(data.date_of_birth, today) > 130:
            v.error(
                f"{p}/date_of_birth",
                "birth-too-early",
                "Ngày sinh quá xa (trên 130 tuổi)",
                "The date of birth is more than 130 years ago",
            )
        elif _age(data.date_of_birth, arrival_day) < ADULT_AGE:
            _minor_rules(v, data, p)
    if data.expected_check_out is not None:
        if data.expected_check_out < arrival_day:
            v.error(
                f"{p}/expected_check_out",
                "check-out-before-check-in",
                "Ngày đi không thể trước ngày đến",
                "Check-out cannot be before check-in",
            )
        elif (data.expected_check_out - arrival_day).days >= LONG_STAY_DAYS:
            v.warn(
                f"{p}/expected_check_out",
                "long-stay-temporary-residence",
                "Lưu trú từ 30 ngày trở lên: cần đăng ký tạm trú",
                "A stay of 30 days or more needs a temporary-residence (tạm trú) registration",
            )
    if data.relationship and not data.accompanying_adult_document:
        v.error(
            f"{p}/accompanying_adult_document",
            "accompanying-adult-required",
            "Có quan hệ thì cần giấy tờ của người đi cùng",
            "A relationship needs the accompanying adult's document",
        )


def _future_rule(v: Verdict, check_in_at: datetime, now: datetime, p: str) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be an aware time")
    arrival = check_in_at if check_in_at.tzinfo else check_in_at.replace(tzinfo=now.tzinfo)
    if arrival - now > FUTURE_CHECK_IN_MARGIN:
        minutes = int(FUTURE_CHECK_IN_MARGIN.total_seconds() // 60)
        v.error(
            f"{p}/check_in_at",
            "check-in-in-future",
            f"Giờ đến không thể ở tương lai (quá {minutes} phút so với giờ máy chủ)",
            f"The check-in time cannot be in the future (more than {minutes} minutes ahead "
            "of the server clock)",
        )


def _qr_field_errors(exc: ValidationError, pointer: str) -> list[FieldError]:
    """A QR field that does not fit the registration (a birth date out of bounds, a name too
    long), as an error on the QR text."""
    out = []
    for e in validation_errors(list(exc.errors()), strip_prefix=False):
        name = e.pointer.lstrip("/") or "qr"
        out.append(
            field_error(
                pointer,
                e.code,
                f"{name} đọc từ QR: {e.message.vi}",
                f"The QR's {name}: {e.message.en}",
            )
        )
    return out


def _id_number_warnings(v: Verdict, id_number: str, data: CheckIn, p: str) -> None:
    parts = id_number_parts(id_number)
    if parts is None:  # only a number that matched ID_NUMBER_RE is passed here
        return
    if not parts.province_known:
        v.warn(
            f"{p}/id_number",
            "id-province-unknown",
            "Ba số đầu không phải mã tỉnh nơi đăng ký khai sinh",
            "The first three digits are not a known birth-registration province code",
        )
    if data.gender in ("male", "female") and parts.gender != data.gender:
        v.warn(
            f"{p}/id_number",
            "id-gender-mismatch",
            "Chữ số thứ 4 không khớp với giới tính",
            "Digit 4 of the ID number disagrees with the gender",
        )
    if data.date_of_birth is not None:
        born = data.date_of_birth.year
        if parts.birth_year // 100 != born // 100:
            v.warn(
                f"{p}/id_number",
                "id-century-mismatch",
                "Chữ số thứ 4 không khớp với thế kỷ của năm sinh",
                "Digit 4 of the ID number disagrees with the century of birth",
            )
        elif parts.birth_year != born:
            v.warn(
                f"{p}/id_number",
                "id-birth-year-mismatch",
                "Chữ số thứ 5–6 không khớp với năm sinh",
                "Digits 5–6 of the ID number disagree with the year of birth",
            )


def _foreigner_rules(v: Verdict, data: CheckIn, passport: str, today: date, p: str) -> None:
    """Foreigners (Law 47/2014 Art. 33): passport, visa or exemption, entry date and port."""
    if not passport:
        v.error(
            f"{p}/passport_number",
            "passport-required",
            "Người nước ngoài phải khai số hộ chiếu",
            "Foreigners must give a passport number",
        )
    if not data.visa_type:
        v.error(
            f"{p}/visa_type",
            "visa-type-required",
            "Người nước ngoài phải khai loại thị thực (hoặc exempt nếu miễn thị thực)",
            "Foreigners must give a visa type (or exempt)",
        )
    elif data.visa_type.lower() != VISA_EXEMPT and not data.visa_number:
        v.error(
            f"{p}/visa_number",
            "visa-number-required",
            "Cần số thị thực",
            "The visa number is required",
        )
    if data.entry_date is None:
        v.error(
            f"{p}/entry_date",
            "entry-date-required",
            "Người nước ngoài phải khai ngày nhập cảnh",
            "Foreigners must give the entry date",
        )
    elif data.entry_date > today or data.entry_date > data.check_in_at.date():
        v.error(
            f"{p}/entry_date",
            "entry-after-check-in",
            "Ngày nhập cảnh không thể sau ngày đến hoặc ở tương lai",
            "The entry date cannot be after check-in or in the future",
        )
    if not data.entry_port:
        v.error(
            f"{p}/entry_port",
            "entry-port-required",
            "Người nước ngoài phải khai cửa khẩu nhập cảnh",
            "Foreigners must give the port of entry",
        )


def _minor_rules(v: Verdict, data: CheckIn, p: str) -> None:
    if data.accompanying_adult_document:
        if not data.relationship:
            v.error(
                f"{p}/relationship",
                "relationship-required",
                "Cần quan hệ giữa trẻ em và người đi cùng",
                "The minor's relationship to the accompanying adult is required",
            )
    else:
        v.unaccompanied_minor = True
