"""A person's record from one spreadsheet row: the cells of the mapped columns read as their
fields, and the columns that only make sense together put together — "Họ" + "Tên" into the
full name, "Ngày đến" + "Giờ đến" into the arrival, "Loại giấy tờ" + "Số giấy tờ" into the
personal ID number or the passport number.

Every cell that cannot be read is an error of its own field; the other fields are still read,
so the registration rules can report everything else that is wrong with the row at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from luutru_common.intake import cells
from luutru_common.intake.header import Layout
from luutru_common.intake.vocabulary import PERSON, header_key
from luutru_common.problems import FieldError, field_error

DATE_FIELDS = frozenset({"date_of_birth", "entry_date", "expected_check_out"})
COUNTRY_FIELDS = frozenset({"nationality", "country_of_residence"})
BIRTH_BY_GENDER = {"birth_male": "male", "birth_female": "female"}
_ERROR_FIELD = {"birth_male": "date_of_birth", "birth_female": "date_of_birth"}
_PASSPORT_WORDS = ("ho chieu", "passport", "hc", "pp", "hchieu")
_ID_WORDS = ("cccd", "can cuoc", "dinh danh", "cmnd", "chung minh", "cmt", "id", "khai sinh")


def _document_kind(value: Any) -> str | None:
    """'passport', 'id' or None, from a document-type cell ("CCCD", "Hộ chiếu", "Passport")."""
    key = f" {header_key(value)} "
    if any(f" {w} " in key for w in _PASSPORT_WORDS):
        return "passport"
    if any(f" {w} " in key for w in _ID_WORDS):
        return "id"
    return None


def _split_prefix(number: str) -> tuple[str | None, str]:
    """ "CCCD: 075090001234" → ('id', '075090001234'); "HC B1234567" → ('passport', …)."""
    head, sep, rest = number.replace(":", " ").partition(" ")
    if sep and rest.strip() and (kind := _document_kind(head)) is not None:
        return kind, rest.strip()
    return None, number


def route_document(kind: str | None, raw: Any) -> tuple[str, str, bool]:
    """(field, number, zero restored): where a "Số giấy tờ" value belongs."""
    if isinstance(raw, str):
        prefix, rest = _split_prefix(cells.text(raw))
        kind = kind or prefix
        raw = rest
    number, restored = cells.identity_number(raw)
    if kind != "passport":
        cells.digit_lookalikes(number)
    digits = number.isascii() and number.isdigit()
    if kind == "passport" or (kind is None and not digits):
        return "passport_number", number, False
    if digits and len(number) == 9:
        return "legacy_id_number", number, False
    return "id_number", number, restored


def _error(pointer: str, key: str, exc: cells.CellError) -> FieldError:
    label = PERSON.vi(key)
    return field_error(f"{pointer}/{key}", exc.code, f"{label}: {exc.vi}", exc.en)


def person_record(
    row: list[Any],
    layout: Layout,
    pointer: str,
    *,
    day_arrival: Callable[[date], datetime] | None = None,
) -> tuple[dict[str, Any], list[FieldError], list[FieldError]]:
    """(record, errors, warnings) for one row; the record holds only what could be read, as
    JSON values (dates ISO), keyed by the target's field names."""
    values: dict[str, Any] = {}
    for index, key in layout.fields.items():
        value = row[index] if index < len(row) else None
        if not cells.is_empty(value):
            values[key] = value
    record: dict[str, Any] = {}
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    # With a "Ngày sinh" column of its own, "Nam" | "Nữ" (under a merged "Giới tính") hold a
    # tick ("x"), not the date: they give the gender only.
    gender_ticks = layout.has("date_of_birth")

    for key, value in values.items():
        try:
            if key in BIRTH_BY_GENDER:
                # The column it is written in says the gender, even when the date is bad.
                record.setdefault("gender", BIRTH_BY_GENDER[key])
                if not gender_ticks and "date_of_birth" not in record:
                    record["date_of_birth"] = cells.parse_date(value).isoformat()
            elif key in DATE_FIELDS:
                record[key] = cells.parse_date(value).isoformat()
            elif key == "gender":
                record[key] = cells.parse_gender(value)
            elif key in COUNTRY_FIELDS:
                record[key] = _country(key, value, pointer, warnings)
            elif key in ("id_number", "legacy_id_number"):
                number, restored = cells.identity_number(value)
                cells.digit_lookalikes(number)
                record[key] = number
                if restored:
                    warnings.append(_zero_restored(pointer, key))
            elif key not in ("check_in_at", "check_in_time", "document_type", "document_number"):
                record[key] = cells.text(value)
        except cells.CellError as exc:
            errors.append(_error(pointer, _ERROR_FIELD.get(key, key), exc))
    record = {k: v for k, v in record.items() if v is not None}

    if "family_name" in record or "given_name" in record:
        parts = [record.pop("family_name", ""), record.pop("given_name", "")]
        record.setdefault("full_name", " ".join(p for p in parts if p))
    _arrival(values, record, errors, pointer, day_arrival)
    if "document_number" in values:
        _document(values, record, errors, warnings, pointer)
    return record, errors, warnings


def _country(key: str, value: Any, pointer: str, warnings: list[FieldError]) -> str | None:
    code = cells.country_code(value)
    if code is not None:
        return code
    shown = cells.text(value)
    if key == "country_of_residence" and len(shown) > 3:
        # "Nơi cư trú" holding a place, not a country ("12 Lê Lợi, Biên Hòa", "Hà Nội"): the
        # nationality stands in, and the operator is told.
        warnings.append(
            field_error(
                f"{pointer}/{key}",
                "residence-is-address",
                f"Nơi cư trú “{shown}” không phải tên nước: nước cư trú lấy theo quốc tịch",
                f"Residence “{shown}” is not a country: the nationality is used",
            )
        )
        return None
    raise cells.CellError(
        "country-code",
        f"Không nhận ra nước “{shown}”: ghi mã 3 chữ (VNM, KOR, USA…) hoặc tên nước",
        f"“{shown}” is not a country we know: write its 3-letter code (VNM, KOR, USA…) or its name",
    )


def _zero_restored(pointer: str, key: str) -> FieldError:
    return field_error(
        f"{pointer}/{key}",
        "id-leading-zero-restored",
        "Excel đã bỏ số 0 đầu của số định danh; đã thêm lại — hãy kiểm tra và định dạng cột là "
        "Văn bản (Text)",
        "Excel dropped the ID number's leading zero; it was put back — check it, and format "
        "the column as Text",
    )


def _arrival(
    values: dict[str, Any],
    record: dict[str, Any],
    errors: list[FieldError],
    pointer: str,
    day_arrival: Callable[[date], datetime] | None,
) -> None:
    if "check_in_at" not in values:
        return
    try:
        moment = cells.parse_moment(values["check_in_at"])
    except cells.CellError as exc:
        errors.append(_error(pointer, "check_in_at", exc))
        return
    if not isinstance(moment, datetime):
        if "check_in_time" in values:
            try:
                moment = datetime.combine(moment, cells.parse_time(values["check_in_time"]))
            except cells.CellError as exc:
                errors.append(_error(pointer, "check_in_time", exc))
                return
        elif day_arrival is not None:
            moment = day_arrival(moment)
        else:
            moment = datetime.combine(moment, datetime.min.time())
    record["check_in_at"] = moment.isoformat()


def _document(
    values: dict[str, Any],
    record: dict[str, Any],
    errors: list[FieldError],
    warnings: list[FieldError],
    pointer: str,
) -> None:
    kind = _document_kind(values["document_type"]) if "document_type" in values else None
    try:
        key, number, restored = route_document(kind, values["document_number"])
    except cells.CellError as exc:
        errors.append(_error(pointer, "id_number", exc))
        return
    if record.get(key):
        return  # a column of its own already gave this number
    record[key] = number
    if restored:
        warnings.append(_zero_restored(pointer, key))
