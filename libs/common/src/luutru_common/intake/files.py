"""The file layer of the intake: what kind of file arrived, and its rows with the line numbers
the operator's spreadsheet program shows.

Nothing here trusts the file. Text encodings are detected (UTF-8 with or without BOM,
UTF-16 as Excel's "Unicode text" writes it, the legacy Windows-1258) and text comes back NFC;
zip archives (XLSX, ODS) are measured before they are opened, so a zip bomb is refused instead
of unpacked; formats that are not spreadsheets are named as such.

Every service answers a bad file with the same problem codes and statuses (FILE_PROBLEMS).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from luutru_common.intake import xlsx_stream
from luutru_common.intake.xlsx_stream import XlsxError, iter_sheet_rows
from luutru_common.problems import Problem, field_error

MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 2000

# code → (status, title, Vietnamese, English). One set for guest lists, trip passengers, the
# facility import and the watchlist.
FILE_PROBLEMS: dict[str, tuple[int, str, str, str]] = {
    "file-too-large": (413, "File too large", "Tệp quá lớn", "The file is too large"),
    "archive-too-large": (
        413,
        "The spreadsheet expands too much",
        "Tệp giải nén ra quá lớn (nghi zip bomb)",
        "The spreadsheet expands too much once unpacked (a zip bomb?)",
    ),
    "too-many-rows": (413, "Too many rows", "Tệp có quá nhiều dòng", "The file has too many rows"),
    "file-empty": (422, "Empty file", "Tệp rỗng", "The file is empty"),
    "file-unreadable": (
        422,
        "The file cannot be read",
        "Không đọc được tệp (tệp hỏng?)",
        "The file cannot be read (damaged?)",
    ),
    "file-unsupported": (
        415,
        "Unsupported file type",
        "Chỉ nhận bảng tính CSV, XLSX, XLS hoặc ODS",
        "Only CSV, XLSX, XLS or ODS spreadsheets are accepted",
    ),
    "headers-unknown": (
        422,
        "Column headers not recognised",
        "Không nhận ra dòng tiêu đề của bảng",
        "The table's header row was not recognised",
    ),
}


def file_problem(code: str, vi: str = "", en: str = "", *, errors=None) -> Problem:
    """A file-level problem with the shared code and status; vi/en add the particulars."""
    status, title, base_vi, base_en = FILE_PROBLEMS[code]
    vi = f"{base_vi}: {vi}" if vi else base_vi
    en = f"{base_en}: {en}" if en else base_en
    return Problem(
        status,
        code,
        title,
        f"{vi} / {en}",
        errors=errors if errors is not None else [field_error("/file", code, vi, en)],
    )


# Formats we read, by their first bytes.
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 .xls (and .doc: calamine refuses)
_NOT_SHEETS = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"{\\rtf", "RTF"),
)
_NOT_SHEET_EXTENSIONS = (".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg", ".zip", ".rar")


def sniff_format(raw: bytes, filename: str = "") -> str:
    """'csv', 'xlsx', 'xls' or 'ods' — by content first, the name only as a hint.

    Raises the file-empty, file-unsupported or archive-too-large problems."""
    if not raw.strip(b"\x00\t\r\n \xef\xbb\xbf\xff\xfe"):
        raise file_problem("file-empty")
    name = filename.lower()
    for magic, kind in _NOT_SHEETS:
        if raw.startswith(magic):
            raise file_problem("file-unsupported", f"đây là tệp {kind}", f"this is a {kind} file")
    if raw.startswith(_ZIP):
        names = check_archive(raw)
        if "xl/workbook.xml" in names or any(n.endswith("workbook.xml") for n in names):
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        if "word/document.xml" in names:
            raise file_problem("file-unsupported", "đây là tệp Word", "this is a Word document")
        raise file_problem("file-unsupported", "tệp nén không chứa bảng tính", "a zip archive")
    if raw.startswith(_OLE2):
        return "xls"
    if name.endswith(_NOT_SHEET_EXTENSIONS):
        raise file_problem("file-unsupported", f"tệp {name.rsplit('.', 1)[-1]}", name)
    return "csv"


def check_archive(raw: bytes) -> list[str]:
    """Refuse zip bombs (too many entries, too large once expanded, compressed too well)
    before any XML is parsed; the entry names otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_problem("file-unreadable", "tệp nén hỏng", "the archive is damaged") from exc
    total = sum(e.file_size for e in entries)
    worst = max(
        (e.file_size / max(e.compress_size, 1) for e in entries if e.file_size > 1 << 20),
        default=0,
    )
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED or worst > MAX_RATIO:
        raise file_problem("archive-too-large")
    return [e.filename for e in entries]


def _looks_utf16le(raw: bytes) -> bool:
    """BOM-less UTF-16LE: text whose ASCII letters leave a zero in every other byte."""
    sample = raw[:512]
    odd = sample[1::2]
    return len(odd) >= 4 and odd.count(0) > 0.4 * len(odd) and sample[0::2].count(0) == 0


def decode_text(raw: bytes, single_byte: str = "cp1258") -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM, or Excel's BOM-less "Unicode text") or Windows-1258
    (``single_byte``: latin-1 to get at a legacy font encoding's codes), always returned as
    NFC text.

    Windows-1258 writes most tones as combining marks, so decoding alone leaves NFD-like text;
    NFC puts every letter back together."""
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", errors="replace")
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    elif _looks_utf16le(raw):
        text = raw.decode("utf-16-le", errors="replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode(single_byte, errors="replace")
    if "\x00" in text:
        raise file_problem("file-unsupported", "không phải tệp văn bản", "not a text file")
    return unicodedata.normalize("NFC", text)


def csv_delimiter(text: str) -> str:
    """Comma; semicolon where a Vietnamese-locale Excel exported the file; tab for Excel's
    "Unicode text". Judged on the first lines, where title rows have few separators."""
    sample = "\n".join(text[:8192].splitlines()[:30])
    counts = {d: sample.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV text with their line numbers (from 1), the delimiter guessed from
    the text."""
    # "\r\r\n" is what a CSV written in text mode on Windows looks like: one line end, not a
    # line end and a blank line (which would shift every row number by one more each line).
    text = text.replace("\r\r\n", "\r\n")
    try:
        # newline="": the csv module itself handles \r, \n and \r\n line ends, and a quoted
        # cell with line breaks stays one row — as a spreadsheet shows it.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise file_problem("file-unreadable", "tệp CSV hỏng", f"malformed CSV: {exc}") from exc


def _calamine_lines(raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    """XLS and ODS (and small XLSX elsewhere) through calamine, first sheet, from row 1."""
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0)
        # skip_empty_area=False: the rows start at A1 (leading empty rows included), so the
        # first is line 1 — sheet.start must not be added again.
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError, TypeError) as exc:
        raise file_problem("file-unreadable") from exc
    yield from enumerate(rows, start=1)


def _xlsx_lines(raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    # Streamed: memory stays flat however many rows the sheet has; the reader gives the
    # sheet's own row numbers (missing rows come out blank).
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            yield from enumerate(iter_sheet_rows(archive), start=1)
    except (XlsxError, zipfile.BadZipFile, ValueError, OSError, KeyError) as exc:
        raise file_problem("file-unreadable", "tệp XLSX hỏng", "the XLSX is damaged") from exc


def iter_lines(
    raw: bytes, fmt: str, *, single_byte: str = "cp1258"
) -> Iterator[tuple[int, list[Any]]]:
    """(line number as the spreadsheet shows it, cells) for every row of the first sheet.
    XLSX/XLS/ODS cells keep their types (numbers, dates); CSV cells are strings, decoded as
    `decode_text` does."""
    if fmt == "xlsx":
        check_archive(raw)
        yield from _xlsx_lines(raw)
    elif fmt == "ods":
        check_archive(raw)
        yield from _calamine_lines(raw)
    elif fmt == "xls":
        yield from _calamine_lines(raw)
    else:
        yield from csv_lines(decode_text(raw, single_byte))


def sheet_names(raw: bytes, fmt: str) -> list[str]:
    """A workbook's sheet names in order ([] for a CSV, or when they cannot be read): what to
    name when the first sheet, the one read, is not the list."""
    try:
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return xlsx_stream.sheet_names(archive)
        if fmt in ("xls", "ods"):
            return list(CalamineWorkbook.from_filelike(io.BytesIO(raw)).sheet_names)
    except (CalamineError, XlsxError, zipfile.BadZipFile, ValueError, OSError):
        pass
    return []


def is_blank(cells: list[Any]) -> bool:
    """Whether a row has no cell with anything in it (skipped, not reported)."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
