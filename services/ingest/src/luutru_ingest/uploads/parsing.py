"""Reading the operators' files: CSV in UTF-8 (with or without BOM), UTF-16 or the legacy
Windows-1258, and XLSX; Vietnamese or English headers; dates as Excel serials or dd/mm/yyyy.

Nothing here trusts the file: encodings are detected, XLSX archives are measured before
they are opened (zip bombs), and every row is turned into a CheckIn-shaped dict or a list of
errors that point at the row and column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from luutru_common import tabular
from luutru_common.identity import name_match_key
from luutru_common.problems import FieldError, Problem, field_error
from luutru_ingest.uploads.xlsx_stream import XlsxError, iter_sheet_rows

# A header cell is matched after accent folding, lower-casing and squeezing punctuation, so
# "Họ và tên", "HO VA TEN" and "full_name" all find their field.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "full name", "name", "ten"),
    "date_of_birth": ("ngay sinh", "date of birth", "dob", "birth date", "ngay thang nam sinh"),
    "gender": ("gioi tinh", "gender", "sex"),
    "id_number": (
        "so dinh danh",
        "so dinh danh ca nhan",
        "so cccd",
        "cccd",
        "can cuoc",
        "so can cuoc",
        "id number",
        "personal id",
    ),
    "legacy_id_number": ("cmnd", "so cmnd", "legacy id number"),
    "passport_number": ("so ho chieu", "ho chieu", "passport", "passport number"),
    "nationality": ("quoc tich", "nationality"),
    "country_of_residence": ("nuoc cu tru", "quoc gia cu tru", "country of residence"),
    "visa_type": ("loai thi thuc", "visa type"),
    "visa_number": ("so thi thuc", "visa number"),
    "entry_date": ("ngay nhap canh", "entry date"),
    "entry_port": ("cua khau nhap canh", "cua khau", "entry port", "port of entry"),
    "accompanying_adult_document": (
        "giay to nguoi di cung",
        "nguoi di cung",
        "accompanying adult document",
        "accompanying adult",
    ),
    "relationship": ("quan he", "relationship"),
    "room": ("phong", "so phong", "phong giuong", "giuong", "room", "room bed", "bed"),
    "reason": ("ly do", "ly do luu tru", "reason", "reason for stay"),
    "check_in_at": ("ngay den", "thoi gian den", "gio den", "check in", "check in at", "arrival"),
    "expected_check_out": (
        "ngay di du kien",
        "du kien di",
        "ngay di",
        "expected check out",
        "check out",
    ),
    "qr": ("qr", "ma qr"),
    "seat": ("ghe", "so ghe", "seat"),
    "boarding_point": ("diem don", "noi len xe", "boarding point"),
    "alighting_point": ("diem tra", "noi xuong xe", "alighting point"),
}
_BY_ALIAS = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
DATE_FIELDS = {"date_of_birth", "entry_date", "expected_check_out"}
DATETIME_FIELDS = {"check_in_at"}
_GENDERS = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
    "khac": "other",
    "other": "other",
}
EXCEL_EPOCH = tabular.EXCEL_EPOCH


def header_key(cell: object) -> str:
    folded = name_match_key(str(cell or "")).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def map_headers(cells: list[Any]) -> dict[int, str]:
    """Column index → field name for the headers we know; unknown columns are ignored."""
    return {i: _BY_ALIAS[k] for i, c in enumerate(cells) if (k := header_key(c)) in _BY_ALIAS}


def file_format(filename: str, raw: bytes) -> str:
    return "xlsx" if tabular.is_xlsx(raw, filename) else "csv"


def check_xlsx_archive(raw: bytes) -> None:
    """Refuse zip bombs before any XML is parsed (luutru_common.tabular measures)."""
    try:
        tabular.check_xlsx_archive(raw)
    except tabular.ArchiveTooLarge as exc:
        raise Problem(
            413, "archive-too-large", "The XLSX file expands too much", f"{exc.vi} / {exc.en}"
        ) from exc
    except tabular.UnreadableFile as exc:
        raise unreadable(f"{exc.vi} / {exc.en}") from exc


def unreadable(detail: str) -> Problem:
    return Problem(422, "file-unreadable", "The file cannot be read", detail)


def iter_rows(raw: bytes, fmt: str) -> Iterator[list[Any]]:
    """Every row of the first sheet (header first), streamed."""
    if fmt == "xlsx":
        check_xlsx_archive(raw)
        # Streamed (xlsx_stream): memory stays flat however many rows the sheet has.
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                yield from iter_sheet_rows(archive)
        except (XlsxError, zipfile.BadZipFile, ValueError, OSError) as exc:
            raise unreadable("Không đọc được tệp XLSX / The XLSX file cannot be read") from exc
    else:
        try:
            text = tabular.decode_csv(raw)
        except tabular.UnreadableFile as exc:
            raise unreadable(f"{exc.vi} / {exc.en}") from exc
        try:
            # newline="": the csv module itself handles \r, \n and \r\n line ends.
            yield from csv.reader(
                io.StringIO(text, newline=""), delimiter=tabular.csv_delimiter(text)
            )
        except csv.Error as exc:
            raise unreadable(f"Tệp CSV hỏng / The CSV file is malformed: {exc}") from exc


def is_blank(row: list[Any]) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _dmy(text: str) -> date | None:
    """dd/mm/yyyy without strptime (a third of a large upload's time went to strptime)."""
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    return None


def parse_date(value: Any) -> date:
    if isinstance(value, str) and (fast := _dmy(value.strip())) is not None:
        return fast
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = _text(value)
    if text.isdigit() and len(text) <= 6:
        return EXCEL_EPOCH + timedelta(days=int(text))
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_datetime(value: Any) -> datetime:
    if isinstance(value, str):
        day_part, _, time_part = value.strip().partition(" ")
        day = _dmy(day_part)
        hm = time_part.split(":")
        if day is not None and len(hm) in (2, 3) and all(p.isdigit() for p in hm):
            return datetime.combine(day, time(*map(int, hm)))
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(14))  # a day without a time: the usual 14:00
    if isinstance(value, int | float):
        return datetime.combine(EXCEL_EPOCH, time()) + timedelta(days=float(value))
    text = _text(value)
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    return datetime.combine(parse_date(value), time(14))


def row_to_record(
    row: list[Any], columns: dict[int, str], pointer: str
) -> tuple[dict[str, Any], list[FieldError]]:
    """Cells → a CheckIn-shaped dict (plus trip fields); date and gender text converted."""
    record: dict[str, Any] = {}
    errors: list[FieldError] = []
    for index, field in columns.items():
        value = row[index] if index < len(row) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            if field in DATE_FIELDS:
                record[field] = parse_date(value).isoformat()
            elif field in DATETIME_FIELDS:
                record[field] = parse_datetime(value).isoformat()
            elif field == "gender":
                gender = _GENDERS.get(header_key(value))
                if gender is None:
                    raise ValueError(value)
                record[field] = gender
            else:
                record[field] = _text(value)
        except (ValueError, OverflowError):
            code, vi, en = (
                ("gender-value", "Giới tính là Nam, Nữ hoặc Khác", "Gender is Nam, Nữ or Khác")
                if field == "gender"
                else (
                    "date-format",
                    "Ngày phải là dd/mm/yyyy hoặc ngày của Excel",
                    "Dates are dd/mm/yyyy or Excel dates",
                )
            )
            errors.append(field_error(f"{pointer}/{field}", code, vi, en))
    return record, errors
