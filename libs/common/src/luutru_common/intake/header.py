"""Finding the header row of a sheet as people make them, and what each column holds.

Real sheets do not start with their header: a title ("DANH SÁCH KHÁCH LƯU TRÚ"), the
facility's name, a plate number, a blank line come first; a header may span two lines under
merged cells ("Giấy tờ tùy thân" over "Loại" and "Số"). The header is the row among the first
HEADER_SCAN rows that names the most fields; with the row under it read as a second header
line when that names more.

An operator (or the console's mapping step) may override any of it with an explicit mapping
(column letter → field, or None to ignore a column) and header line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from luutru_common.intake.cells import is_empty
from luutru_common.intake.files import file_problem, is_blank
from luutru_common.intake.vocabulary import Vocabulary, header_key
from luutru_common.problems import Problem, field_error

HEADER_SCAN = 20
MIN_FIELDS = 2  # a header names at least two fields we know

ColumnStatus = Literal["mapped", "not-stored", "unknown", "duplicate", "ignored"]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA — what the operator sees above the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int | None:
    """The 0-based index of a column letter (A → 0, AA → 26); None for anything that is not one."""
    letter = letter.strip().upper()
    if not letter.isalpha() or not letter.isascii() or len(letter) > 3:
        return None
    index = 0
    for ch in letter:
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass(frozen=True)
class Target:
    """What an upload feeds: which fields it stores, which it reads only to build others, and
    which columns it cannot do without (each requirement: any one of the fields)."""

    name: str
    vocabulary: Vocabulary
    stores: frozenset[str]
    required: tuple[tuple[str, ...], ...]
    helpers: frozenset[str] = frozenset()  # read to build a stored field (Họ + Tên → name)
    # Known, and meaningless to store: the sequence number, the reasons column of our own
    # error sheet.
    ignored: frozenset[str] = frozenset({"row_number", "upload_errors"})

    def uses(self, key: str) -> bool:
        """Whether the target stores the field or reads it to build one it stores."""
        return key in self.stores or key in self.helpers


@dataclass
class Column:
    index: int
    header: str
    field: str | None
    status: ColumnStatus

    @property
    def letter(self) -> str:
        """The column's spreadsheet letter (A, B, … AA), as people name it."""
        return column_letter(self.index)


@dataclass
class Layout:
    """Where the header is and what every column holds."""

    header_lines: tuple[int, ...]
    columns: list[Column]
    source: Literal["detected", "explicit"] = "detected"
    fields: dict[int, str] = field(default_factory=dict)  # index → field, used columns only
    recognised: bool = True  # False: no row looked like a header; the first row is shown
    missing: list[tuple[str, ...]] = field(default_factory=list)  # required, not found

    @property
    def header_line(self) -> int:
        """The last header line (0 when the sheet has none): data starts below it."""
        return self.header_lines[-1] if self.header_lines else 0

    def has(self, key: str) -> bool:
        """Whether some column holds the field."""
        return key in self.fields.values()

    @property
    def signature(self) -> str:
        """The header texts, keyed: a remembered mapping is offered for the same headers."""
        return "|".join(header_key(c.header) for c in self.columns)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def _match_row(cells: list[Any], vocabulary: Vocabulary) -> dict[int, str]:
    return {i: f for i, c in enumerate(cells) if (f := vocabulary.match(c)) is not None}


def _two_line_headers(top: list[Any], bottom: list[Any]) -> list[str]:
    """One header per column from two lines: a group title over sub-headers ("Giấy tờ" over
    "Loại", "Số") is carried right across the merged cells it spans."""
    width = max(len(top), len(bottom))
    headers: list[str] = []
    group = ""
    for i in range(width):
        t = _text(top[i]) if i < len(top) else ""
        b = _text(bottom[i]) if i < len(bottom) else ""
        if t:
            group = t
        elif not b:
            group = ""
        if b and (t or group):
            headers.append(f"{t or group} {b}")
        else:
            headers.append(t or b)
    return headers


def _match_two(
    top: list[Any], bottom: list[Any], vocabulary: Vocabulary
) -> tuple[dict[int, str], list[str]]:
    """The fields two header lines name, and one header text per column (the wording that
    named its field)."""
    out: dict[int, str] = {}
    width = max(len(top), len(bottom))
    headers = _two_line_headers(top, bottom)
    group = ""
    for i in range(width):
        t = _text(top[i]) if i < len(top) else ""
        b = _text(bottom[i]) if i < len(bottom) else ""
        group = t or (group if b else "")
        # "Giấy tờ tùy thân" over "Số": "Số giấy tờ tùy thân" is how the field is named.
        for candidate in (headers[i], f"{b} {group}".strip(), b):
            if candidate and (f := vocabulary.match(candidate)) is not None:
                out[i] = f
                headers[i] = candidate
                break
    return out, headers


def _score(matched: dict[int, str]) -> int:
    return len(set(matched.values()))


def find_header(
    lines: list[tuple[int, list[Any]]], vocabulary: Vocabulary
) -> tuple[tuple[int, ...], list[str]] | None:
    """(the header's line numbers, one header text per column), or None."""
    rows = [(n, cells) for n, cells in lines[:HEADER_SCAN] if not is_blank(cells)]
    best: tuple[int, tuple[int, ...], list[str]] | None = None
    for i, (line, cells) in enumerate(rows):
        single = _match_row(cells, vocabulary)
        candidate = (_score(single), (line,), [_text(c) for c in cells])
        if i + 1 < len(rows) and rows[i + 1][0] == line + 1:
            below = rows[i + 1][1]
            two, texts = _match_two(cells, below, vocabulary)
            if _score(two) > candidate[0] and _score(two) > _score(_match_row(below, vocabulary)):
                candidate = (_score(two), (line, line + 1), texts)
        if candidate[0] >= MIN_FIELDS and (best is None or candidate[0] > best[0]):
            best = candidate
    return (best[1], best[2]) if best else None


# What the bottom of a printed list says: totals, the signature block, "place, date" line.
_FOOTER = re.compile(
    r"\b(tong cong|tong so|cong so|nguoi lap|lap bieu|ky ghi ro|ky va ghi ro|ky ten|xac nhan"
    r"|giam doc|chu co so|chu nha|nguoi khai|thu truong|dong dau|total)\b"
    r"|^cong\b|\bngay \d+ thang \d+ nam \d+"
)
# A person's row has a document number or a date of birth; a footer has neither.
_PERSON_LIKE = re.compile(r"[0-9]{9}|[A-Z][0-9]{6}|^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}$")


def is_footer(cells: list[Any]) -> bool:
    """A total or a signature block under the list ("Tổng cộng: 12 khách", "Người lập biểu
    (Ký, ghi rõ họ tên)", "Biên Hòa, ngày 27 tháng 11 năm 2026"), not a person."""
    if len(cells) - cells.count("") > 3 and sum(1 for c in cells if not is_empty(c)) > 3:
        return False  # a person's row (most rows of a sheet): decided without reading it
    if any(isinstance(c, date) for c in cells):
        return False
    texts = [t for c in cells if (t := _text(c))]
    if not texts or len(texts) > 3 or any(_PERSON_LIKE.search(t) for t in texts):
        return False
    return any(_FOOTER.search(header_key(t)) for t in texts)


def first_row_texts(lines: list[tuple[int, list[Any]]]) -> list[str]:
    """The texts of the first non-blank row within the header scan (what a sheet without a known
    header begins with)."""
    for _, cells in lines[:HEADER_SCAN]:
        if not is_blank(cells):
            return [t for c in cells if (t := _text(c))]
    return []


def layout(
    lines: list[tuple[int, list[Any]]],
    target: Target,
    *,
    mapping: dict[str, str | None] | None = None,
    header_line: int | None = None,
) -> Layout:
    """The layout of a sheet whose first lines are ``lines`` (at least HEADER_SCAN + 1 when
    the sheet has them): detected, or as the explicit mapping says. It is returned even when
    required columns are missing (``missing``), so a preview can show what was found;
    `require` refuses it."""
    vocabulary = target.vocabulary
    found: tuple[tuple[int, ...], list[str]] | None
    if header_line is not None:
        cells = next((c for n, c in lines if n == header_line), [])
        found = ((header_line,), [_text(c) for c in cells]) if header_line > 0 else ((), [])
    else:
        found = find_header(lines, vocabulary)
    recognised = found is not None
    if found is None:
        if mapping:
            found = ((), [])  # no header at all: the mapping names every column
        else:
            first = next(((n, c) for n, c in lines[:HEADER_SCAN] if not is_blank(c)), None)
            found = ((first[0],), [_text(c) for c in first[1]]) if first else ((), [])
    lines_used, headers = found
    if mapping:
        width = max([len(headers)] + [i + 1 for i in _mapping_indexes(mapping)])
        headers = headers + [""] * (width - len(headers))
    columns: list[Column] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if mapping is not None and column_letter(index) in mapping:
            key = mapping[column_letter(index)]
        else:
            key = vocabulary.match(header) if header else None
        columns.append(Column(index, header, key, "unknown"))
    _resolve_pairs(columns)
    for column in columns:
        key = column.field
        explicit = mapping is not None and column.letter in mapping
        if key is None:
            column.status = "unknown" if column.header and not explicit else "ignored"
        elif key in target.ignored:
            column.status = "ignored"
        elif not target.uses(key):
            column.status = "not-stored"
        elif key in seen:
            column.status = "duplicate"
        else:
            column.status = "mapped"
            seen.add(key)
    result = Layout(
        header_lines=lines_used,
        columns=columns,
        source="explicit" if mapping else "detected",
        fields={c.index: c.field for c in columns if c.status == "mapped" and c.field},
        recognised=recognised or bool(mapping),
    )
    result.missing = missing_requirements(result, target)
    return result


def require(found: Layout, target: Target, sheets: list[str] | None = None) -> Layout:
    """422 headers-unknown, naming what was found and what is missing, unless every required
    column is there; ``sheets``: the workbook's sheet names, when it has them."""
    if found.missing or not found.recognised:
        headers = [c.header for c in found.columns if c.header]
        raise headers_unknown(target, headers, found.missing, sheets=sheets)
    return found


def _mapping_indexes(mapping: dict[str, str | None]) -> list[int]:
    return [i for letter in mapping if (i := column_index(letter)) is not None]


def _resolve_pairs(columns: list[Column]) -> None:
    """Columns whose meaning depends on their neighbours: "Tên" alone is the whole name, next
    to "Họ" it is the given name; "Giờ đến" alone holds the whole arrival."""
    keys = {c.field for c in columns}
    for column in columns:
        if column.field == "given_name" and "family_name" not in keys and "full_name" not in keys:
            column.field = "full_name"
        elif column.field == "family_name" and "given_name" not in keys:
            column.field = "full_name" if "full_name" not in keys else column.field
        elif column.field == "check_in_time" and "check_in_at" not in keys:
            column.field = "check_in_at"


def missing_requirements(result: Layout, target: Target) -> list[tuple[str, ...]]:
    """The target's requirements no column meets (each a tuple of alternatives; family and given
    name together count as the full name)."""
    present = set(result.fields.values())
    if "family_name" in present or "given_name" in present:
        present.add("full_name")
    return [need for need in target.required if not present.intersection(need)]


def validate_mapping(raw: dict[str, Any], target: Target) -> dict[str, str | None]:
    """An explicit mapping from a client: column letters to field keys (or null to ignore)."""
    errors = []
    mapping: dict[str, str | None] = {}
    for letter, key in raw.items():
        pointer = f"/mapping/{letter}"
        if not isinstance(letter, str) or column_index(letter) is None:
            errors.append(
                field_error(
                    pointer,
                    "mapping-column",
                    f"“{letter}” không phải tên cột (A, B, C…)",
                    f"“{letter}” is not a column letter (A, B, C…)",
                )
            )
            continue
        if key is not None and (not isinstance(key, str) or key not in target.vocabulary.fields):
            errors.append(
                field_error(
                    pointer,
                    "mapping-field",
                    f"Cột {letter.upper()}: không có trường “{key}”",
                    f"Column {letter.upper()}: there is no field “{key}”",
                )
            )
            continue
        mapping[letter.strip().upper()] = key
    if errors:
        raise Problem(
            422,
            "mapping-invalid",
            "The column mapping is invalid",
            "Bảng ghép cột không hợp lệ / The column mapping is invalid",
            errors=errors,
        )
    return mapping


def requirement_label(need: tuple[str, ...], vocabulary: Vocabulary, lang: str) -> str:
    """A requirement as a person reads it, in `lang`: its first one or two fields' names joined by
    'or'."""
    shown = [f for f in need if f not in ("qr", "document_number")][:2] or list(need[:1])
    names = [vocabulary.fields[f].vi if lang == "vi" else vocabulary.fields[f].en for f in shown]
    return (" hoặc " if lang == "vi" else " or ").join(f"“{n}”" for n in names)


def headers_unknown(
    target: Target,
    found: list[str],
    missing: list[tuple[str, ...]],
    *,
    sheets: list[str] | None = None,
) -> Problem:
    """422 headers-unknown: what was found, and what is missing — before anything is stored.
    A workbook of several sheets is told that only the first is read: a cover or summary sheet
    put before the list is why its header was not found."""
    vocabulary = target.vocabulary
    if not missing:
        missing = list(target.required)
    shown = ", ".join(f"“{h}”" for h in found[:15]) or "—"
    errors = [
        field_error(
            "/file",
            "column-missing",
            f"Thiếu cột {requirement_label(need, vocabulary, 'vi')}",
            f"Missing column {requirement_label(need, vocabulary, 'en')}",
        )
        for need in missing
    ]
    vi = f"các cột tìm thấy: {shown}; thiếu " + ", ".join(
        requirement_label(n, vocabulary, "vi") for n in missing
    )
    en = f"columns found: {shown}; missing " + ", ".join(
        requirement_label(n, vocabulary, "en") for n in missing
    )
    if sheets and len(sheets) > 1:
        others = ", ".join(f"“{name}”" for name in sheets[1:6])
        vi += (
            f". Chỉ đọc trang tính đầu tiên (“{sheets[0]}”); tệp còn có {others}: đưa trang "
            "danh sách lên đầu hoặc xóa các trang khác"
        )
        en += (
            f". Only the first sheet (“{sheets[0]}”) is read; the file also has {others}: "
            "move the list's sheet to the front or delete the others"
        )
    return file_problem("headers-unknown", vi, en, errors=errors)
