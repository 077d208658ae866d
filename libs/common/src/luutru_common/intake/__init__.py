"""One intake for every spreadsheet the platform receives — guest lists, trip passenger sheets,
the police's facility import and the watchlist:

- files: what kind of file it is, its rows with the line numbers the operator's spreadsheet
  shows, and one set of file problems (too large, archive too large, unreadable, empty,
  unsupported, headers unknown) with one status each;
- vocabulary: one synonym dictionary for the fields, Vietnamese and English;
- header: the header row found among the first rows (title rows, blank rows, two-line
  headers), or an explicit mapping; the same header check before any upload is accepted;
- cells and person: each cell read as its field, every unreadable cell an error of its own.

Use `open_sheet` then `Sheet.layout` and `Sheet.data_rows`.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from luutru_common.intake.files import (
    FILE_PROBLEMS,
    file_problem,
    is_blank,
    iter_lines,
    sheet_names,
    sniff_format,
)
from luutru_common.intake.header import (
    HEADER_SCAN,
    Column,
    Layout,
    Target,
    column_index,
    column_letter,
    headers_unknown,
    is_footer,
    layout,
    require,
    validate_mapping,
)
from luutru_common.intake.legacy import CONVERSIONS, convert_cells
from luutru_common.intake.vocabulary import PERSON, Field, Vocabulary, header_key

__all__ = [
    "FILE_PROBLEMS",
    "HEADER_SCAN",
    "PERSON",
    "Column",
    "Field",
    "Layout",
    "Sheet",
    "Target",
    "Vocabulary",
    "column_index",
    "column_letter",
    "file_problem",
    "header_key",
    "headers_unknown",
    "is_blank",
    "open_sheet",
    "require",
    "sniff_format",
    "validate_mapping",
]


class Sheet:
    """The first sheet of a file, read once from top to bottom: the first lines are kept to
    find the header, the rest stream (a 100,000-row XLSX never sits in memory)."""

    def __init__(self, raw: bytes, fmt: str) -> None:
        self.format = fmt
        self._raw = raw
        self._lines = iter_lines(raw, fmt)
        self.head: list[tuple[int, list[Any]]] = list(islice(self._lines, HEADER_SCAN + 2))
        # "tcvn3" or "vni" when the text is in that legacy encoding (legacy.CONVERSIONS)
        self.encoding: str | None = None
        self.skipped: list[int] = []  # footer lines set aside by data_rows
        self._decided = False

    def _decide_encoding(self, target: Target) -> None:
        """Text in a legacy encoding (TCVN3 "Hä vµ tªn", VNI "Hoï vaø teân") is converted
        when, and only when, the header is known after conversion and was not before; of the
        two, the one that knows more of the header."""
        if self._decided:
            return
        self._decided = True
        as_is = layout(self.head, target)
        if as_is.recognised and not as_is.missing:
            return
        # A CSV holds the font's byte codes: read them as Latin-1, not as Windows-1258.
        lines = (
            iter_lines(self._raw, self.format, single_byte="latin-1")
            if self.format == "csv"
            else self._lines
        )
        head = self.head if self.format != "csv" else list(islice(lines, HEADER_SCAN + 2))
        known = len(as_is.fields)
        for encoding in CONVERSIONS:
            converted = [(n, convert_cells(c, encoding)) for n, c in head]
            found = layout(converted, target)
            if found.recognised and len(found.fields) > known:
                self.head, self._lines, self.encoding = converted, lines, encoding
                known = len(found.fields)

    def layout(
        self,
        target: Target,
        *,
        mapping: dict[str, str | None] | None = None,
        header_line: int | None = None,
        strict: bool = True,
    ) -> Layout:
        """Where the header is and what each column holds; strict: refuse (422
        headers-unknown) a sheet whose required columns are not all there."""
        self._decide_encoding(target)
        found = layout(self.head, target, mapping=mapping, header_line=header_line)
        return self.require(found, target) if strict else found

    def require(self, found: Layout, target: Target) -> Layout:
        """`intake.require`, telling a workbook of several sheets that only its first is read."""
        if found.recognised and not found.missing:
            return found
        return require(found, target, sheet_names(self._raw, self.format))

    def data_rows(self, found: Layout) -> Iterator[tuple[int, list[Any]]]:
        """(line number, cells) of every non-blank row under the header; the total and
        signature lines under a printed list are set aside in ``skipped``."""
        after = found.header_line
        self.skipped: list[int] = []
        for line, cells in self.head:
            if line > after and not is_blank(cells):
                if is_footer(cells):
                    self.skipped.append(line)
                    continue
                yield line, cells
        for line, cells in self._lines:
            if line > after and not is_blank(cells):
                if self.encoding:
                    cells = convert_cells(cells, self.encoding)
                if is_footer(cells):
                    self.skipped.append(line)
                    continue
                yield line, cells


def open_sheet(raw: bytes, filename: str = "") -> Sheet:
    """Sniff the format (refusing what is not a spreadsheet) and open the first sheet."""
    return Sheet(raw, sniff_format(raw, filename))
