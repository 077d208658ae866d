"""Reading the spreadsheets people send us — CSV from any Vietnamese office PC, or XLSX —
safely and the same way in every service (facility imports, guest uploads, watchlists).

Nothing here trusts the file: text encodings are detected (UTF-8 with or without BOM, UTF-16,
the legacy Windows-1258), text comes back NFC, and an XLSX archive is measured before it is
opened so a zip bomb is refused instead of unpacked.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

# Excel's day 0 (its serial numbers count from here, with the 1900 leap-year bug built in).
EXCEL_EPOCH = date(1899, 12, 30)
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 2000


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX we can read; ``vi`` and ``en`` say why."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en


class ArchiveTooLarge(UnreadableFile):
    """An XLSX that would expand too much once unpacked (a zip bomb, or near enough)."""


def is_xlsx(raw: bytes, filename: str = "") -> bool:
    return raw[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def decode_csv(raw: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM) or Windows-1258, always returned as NFC text.

    Windows-1258 writes most tones as combining marks, so decoding alone leaves NFD-like
    text; NFC puts every letter back together.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", errors="replace")
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1258", errors="replace")
    if "\x00" in text:
        raise UnreadableFile("Tệp không phải CSV hay XLSX", "The file is neither CSV nor XLSX")
    return unicodedata.normalize("NFC", text)


def csv_delimiter(text: str) -> str:
    """Comma, or semicolon where a Vietnamese-locale Excel exported the file."""
    sample = text[:4096]
    return ";" if sample.count(";") > sample.count(",") else ","


def csv_rows(text: str) -> list[list[str]]:
    try:
        # newline="": the csv module itself handles \r, \n and \r\n line ends.
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text)))
    except csv.Error as exc:
        raise UnreadableFile("Tệp CSV hỏng", f"The CSV file is malformed: {exc}") from exc


def check_xlsx_archive(raw: bytes) -> None:
    """Refuse zip bombs: too many entries, too large once expanded, or compressed too well."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("Tệp XLSX hỏng", "The XLSX file is damaged") from exc
    entries = archive.infolist()
    total = sum(e.file_size for e in entries)
    worst = max(
        (e.file_size / max(e.compress_size, 1) for e in entries if e.file_size > 1 << 20),
        default=0,
    )
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED or worst > MAX_RATIO:
        raise ArchiveTooLarge(
            "Tệp XLSX giải nén ra quá lớn (nghi zip bomb)",
            "The XLSX file expands too much (zip bomb?)",
        )


def read_table(raw: bytes, filename: str = "") -> list[list[Any]]:
    """All rows of the first sheet of a small file (imports, watchlists), header included.
    XLSX cells keep their types (numbers, dates); CSV cells are strings."""
    if is_xlsx(raw, filename):
        check_xlsx_archive(raw)
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0)
            return sheet.to_python(skip_empty_area=False)
        except (CalamineError, ValueError, IndexError, OSError) as exc:
            raise UnreadableFile("Không đọc được tệp XLSX", "The XLSX file cannot be read") from exc
    return csv_rows(decode_csv(raw))


def excel_date(value: Any) -> date | None:
    """A date as spreadsheets give it: a date cell, an Excel serial number, or text in
    dd/mm/yyyy (also with - or .) or ISO yyyy-mm-dd. None for an empty cell; ValueError when
    it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    if text.isdigit() and len(text) <= 6:
        return EXCEL_EPOCH + timedelta(days=int(text))
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")
