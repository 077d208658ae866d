"""A streaming reader for the first sheet of an XLSX file, in memory that does not grow with it.

python-calamine builds the whole sheet (in Rust) before its first row comes out: 330 MB at
200,000 rows. Here the sheet XML is fed to expat in 64 KB pieces and rows come out as soon
as they are complete; shared strings (xl/sharedStrings.xml, one entry per distinct text, so
as many as the cells) are spilled to an anonymous temporary file with a fixed-width index
beside it, and read back with `os.pread` through a small LRU cache.

Values are the ones calamine gave, so the row parsing downstream is unchanged: text as
`str`, every number as `float`, booleans as `bool`, cells with a date format as `date`
(whole days), `datetime` or `time` (less than a day), empty cells as `""`. Rows are padded
to the sheet's declared width. Row numbers are the sheet's own (missing rows come out
blank), and columns are absolute (column A is index 0; calamine starts at the first used
column — the same for every sheet that starts at column A).
"""

from __future__ import annotations

import codecs
import functools
import io
import os
import posixpath
import re
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

CHUNK = 64 * 1024
# Padding to the declared width is capped: a forged <dimension ref="A1:XFD1"> would otherwise
# turn every row into 16,384 cells.
MAX_PAD = 256
CACHE_SIZE = 4096
# Shared strings are read back from their file in blocks: strings used by neighbouring rows
# sit next to each other there, so one pread serves hundreds of them (one pread per string
# was ~4 s of a 100,000-row upload once reading moved to a thread: each read let go of the
# GIL and waited to get it back). 16 blocks of 64 KB stay in memory.
BLOCK = 64 * 1024
BLOCKS_KEPT = 16
_EPOCH = datetime(1899, 12, 30)
_REL_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
# Built-in number formats that are dates or times (ECMA-376 18.8.30).
_DATE_FORMAT_IDS = {*range(14, 23), *range(45, 48)}
_REF = re.compile(r"([A-Z]+)(\d+)")
_IGNORED_IN_FORMAT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


class XlsxError(ValueError):
    """The archive is not a readable workbook (missing parts, broken XML)."""


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _local(name: str) -> str:
    # expat without namespace processing reports "x:c" for prefixed documents.
    return name.rpartition(":")[2]


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [e for e in element.iter() if e.tag.rpartition("}")[2] == name]


def _read_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(archive.read(name))
    except KeyError:
        return None
    except ElementTree.ParseError as exc:
        raise XlsxError(f"{name}: {exc}") from exc


def _workbook(archive: zipfile.ZipFile) -> ElementTree.Element | None:
    return _read_xml(archive, "xl/workbook.xml")


def first_sheet_path(archive: zipfile.ZipFile, workbook: ElementTree.Element | None = None) -> str:
    """The first sheet in workbook order, found through the workbook's relationships
    (``workbook``: its xl/workbook.xml, when the caller has read it already)."""
    workbook = _workbook(archive) if workbook is None else workbook
    rels = _read_xml(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise XlsxError("no workbook")
    sheets = _children(workbook, "sheet")
    if not sheets:
        raise XlsxError("no sheet")
    rel_id = sheets[0].get(f"{{{_REL_OFFICE}}}id") or sheets[0].get(f"{{{_REL_STRICT}}}id")
    for rel in _children(rels, "Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            return posixpath.normpath(path)
    raise XlsxError("first sheet not found")


def sheet_names(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's sheets by name, in workbook order (the first is the one read)."""
    workbook = _workbook(archive)
    return [] if workbook is None else [s.get("name", "") for s in _children(workbook, "sheet")]


def _is_date_format(code: str) -> bool:
    stripped = _IGNORED_IN_FORMAT.sub("", code).lower()
    return any(ch in stripped for ch in "dmyhs") and "general" not in stripped


class DateStyles(frozenset[int]):
    """The indexes of the cell formats (cellXfs) that show a date or time, and the day the
    workbook's serial numbers count from."""

    epoch: datetime = _EPOCH


# A workbook in the 1904 date system (the default of Excel for Mac before 2011, and an option
# of every Excel since) counts its serials from 1 January 1904: 1,462 days fewer for the same
# day, so a date of birth read with the 1900 epoch comes out four years and a day early.
_EPOCH_1904 = datetime(1904, 1, 1)


def _date_1904(workbook: ElementTree.Element | None) -> bool:
    found = [] if workbook is None else _children(workbook, "workbookPr")
    return bool(found) and found[0].get("date1904", "").lower() in ("1", "true")


def date_styles(archive: zipfile.ZipFile, workbook: ElementTree.Element | None) -> DateStyles:
    """The cell formats (cellXfs) whose number format shows a date or time, and the date
    system of the workbook (its xl/workbook.xml)."""
    found = DateStyles(_date_style_indexes(archive))
    if _date_1904(workbook):
        found.epoch = _EPOCH_1904
    return found


def _date_style_indexes(archive: zipfile.ZipFile) -> set[int]:
    styles = _read_xml(archive, "xl/styles.xml")
    if styles is None:
        return set()
    custom = {
        int(f.get("numFmtId", "0"))
        for f in _children(styles, "numFmt")
        if _is_date_format(f.get("formatCode", ""))
    }
    found: set[int] = set()
    for holder in _children(styles, "cellXfs"):
        for i, xf in enumerate(e for e in holder if e.tag.rpartition("}")[2] == "xf"):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in _DATE_FORMAT_IDS or fmt in custom:
                found.add(i)
    return found


def excel_date(serial: float, epoch: datetime = _EPOCH) -> date | datetime | time:
    """A serial as calamine shows it: a day, a moment, or a time of day."""
    ms = round(serial * 86_400_000)
    moment = epoch + timedelta(milliseconds=ms)
    if 0 <= serial < 1:
        return moment.time()
    if ms % 86_400_000 == 0:
        return moment.date()
    return moment


class SharedStrings:
    """Shared strings on disk: UTF-8 text in a temporary file, read back a block at a time
    (`BLOCK`), through an LRU cache of the recently used strings. Only the offsets and a few
    blocks stay in memory, 8 bytes a string (about 1 MB for 100,000 rows, against ~25 MB as
    Python strings); an index file beside the text, tried too, cost a second pread per miss
    (+0.5 s for 100,000 rows)."""

    def __init__(self) -> None:
        self._text: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 — closed in close()
        self._offsets = array("q", [0])
        self.count = 0
        # functools' LRU (in C): names, genders and nationalities repeat down a sheet.
        self.get = functools.lru_cache(maxsize=CACHE_SIZE)(self._fetch)
        self._block = functools.lru_cache(maxsize=BLOCKS_KEPT)(self._read_block)

    def load(self, stream: IO[bytes]) -> None:
        """Read the workbook's shared strings from `stream` (xl/sharedStrings.xml) into the file,
        keeping only their offsets."""
        offset = 0
        pending: list[bytes] = []
        offsets = self._offsets
        parts: list[str] = []
        state = {"in_si": False, "capture": False, "phonetic": 0, "t_start": 0, "keep": False}

        def start(name: str, _attrs: dict) -> None:
            tag = _local(name)
            if tag == "si":
                state["in_si"] = True
                parts.clear()
            elif tag == "t" and state["in_si"] and not state["phonetic"]:
                state["capture"] = True
                state["t_start"] = len(parts)
                state["keep"] = _attrs.get("xml:space") == "preserve"
            elif tag == "rPh":
                state["phonetic"] += 1

        def text(data: str) -> None:
            if state["capture"]:
                parts.append(data)

        def end(name: str) -> None:
            nonlocal offset
            tag = _local(name)
            if tag == "t":
                if state["capture"] and not state["keep"]:
                    _strip_run(parts, state["t_start"])
                state["capture"] = False
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "si":
                state["in_si"] = False
                data = "".join(parts).encode("utf-8")
                pending.append(data)
                offset += len(data)
                offsets.append(offset)
                self.count += 1

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        _feed(parser, stream, lambda: _flush(self._text, pending))
        _flush(self._text, pending)
        self._text.flush()

    def _fetch(self, i: int) -> str:
        if not 0 <= i < self.count:
            return ""  # a dangling index reads as an empty cell, as in calamine
        start, end = self._offsets[i], self._offsets[i + 1]
        first = start // BLOCK
        if end > (first + 1) * BLOCK:  # across a block's end: read on its own
            return os.pread(self._text.fileno(), end - start, start).decode("utf-8")
        base = first * BLOCK
        return self._block(first)[start - base : end - base].decode("utf-8")

    def _read_block(self, n: int) -> bytes:
        return os.pread(self._text.fileno(), BLOCK, n * BLOCK)

    def __getitem__(self, i: int) -> str:
        return self.get(i)

    def close(self) -> None:
        """Remove the temporary file."""
        self._text.close()


def _strip_run(parts: list[str], start: int) -> None:
    """Text of a <t> without xml:space="preserve" loses its outer whitespace (as in calamine)."""
    run = "".join(parts[start:]).strip()
    del parts[start:]
    parts.append(run)


def _flush(text: IO[bytes], pending: list[bytes]) -> None:
    text.write(b"".join(pending))
    pending.clear()


def _feed(parser: Any, stream: IO[bytes], after_each: Any) -> None:
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            after_each()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XlsxError(str(exc)) from exc


def iter_sheet_rows(archive: zipfile.ZipFile, *, fast: bool = True) -> Iterator[list[Any]]:
    """Rows of the first sheet, from row 1, each a list of cell values (see module doc)."""
    workbook = _workbook(archive)
    path = first_sheet_path(archive, workbook)
    dates = date_styles(archive, workbook)
    strings = SharedStrings()
    try:
        try:
            with archive.open("xl/sharedStrings.xml") as stream:
                strings.load(stream)
        except KeyError:
            pass  # no shared strings: every text cell is inline
        try:
            sheet = archive.open(path)
        except KeyError as exc:
            raise XlsxError(f"missing {path}") from exc
        with sheet:
            reader = _fast_sheet_rows if fast else _sheet_rows
            yield from reader(sheet, strings, dates)
    finally:
        strings.close()


def _sheet_rows(
    stream: IO[bytes], strings: SharedStrings, dates: DateStyles
) -> Iterator[list[Any]]:
    """expat over <sheetData>: the callbacks collect a row's cells and hand complete rows out.

    Written as closures over local state (not methods) because they run once per XML element,
    millions of times for a large sheet: every attribute lookup saved shows in the upload time.
    """
    kinds: dict[str, str] = {}
    columns: dict[str, int] = {}
    shared = strings.get
    ready: list[list[Any]] = []
    parts: list[str] = []
    cells: dict[int, Any] = {}
    # row number, rows handed out, width (declared, then the widest row), next column,
    # capturing text, start of the current <t> in parts, inside <rPh> (phonetic runs)
    st = {"row": 0, "emitted": 0, "width": 0, "col": 0, "t_start": 0, "phonetic": 0}
    cell: list[Any] = [None, None, None]  # r, t, s of the open <c>
    capture = [False, False]  # capturing text, keeping outer spaces of the open <t>

    def kind_of(name: str) -> str:
        kind = kinds.get(name)
        if kind is None:
            kind = kinds[name] = _local(name)
        return kind

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = kinds.get(name) or kind_of(name)
        if tag == "c":
            cell[0] = attrs.get("r")
            cell[1] = attrs.get("t")
            cell[2] = attrs.get("s")
            parts.clear()
        elif tag == "v":
            capture[0] = True
        elif tag == "t":
            if not st["phonetic"]:
                capture[0] = True
                capture[1] = attrs.get("xml:space") == "preserve"
                st["t_start"] = len(parts)
        elif tag == "row":
            r = attrs.get("r")
            st["row"] = int(r) if r else st["row"] + 1
            cells.clear()
            st["col"] = 0
        elif tag == "rPh":
            st["phonetic"] += 1
        elif tag == "dimension":
            match = _REF.fullmatch(attrs.get("ref", "").rpartition(":")[2])
            if match:
                st["width"] = min(column_index(match.group(1)) + 1, MAX_PAD)

    def text(data: str) -> None:
        if capture[0]:
            parts.append(data)

    def end(name: str) -> None:
        tag = kinds.get(name) or kind_of(name)
        if tag == "c":
            end_cell()
        elif tag == "v":
            capture[0] = False
        elif tag == "t":
            if capture[0] and not capture[1]:
                _strip_run(parts, st["t_start"])
            capture[0] = False
        elif tag == "row":
            if cells:
                end_row()
        elif tag == "rPh":
            st["phonetic"] -= 1

    def end_cell() -> None:
        ref = cell[0]
        col = None
        if ref:
            letters = ref.rstrip("0123456789")
            col = columns.get(letters)
            if col is None and letters:
                col = columns[letters] = column_index(letters)
        if col is None:
            col = st["col"]
        st["col"] = col + 1
        value: Any = parts[0] if len(parts) == 1 else "".join(parts)
        kind = cell[1]
        if kind == "s":
            if value:
                cells[col] = shared(int(value))
        elif kind is None or kind == "n":
            if value:  # an empty <c> only carries a style
                number = float(value)
                style = cell[2]
                if style is not None and dates and int(style) in dates:
                    cells[col] = excel_date(number, dates.epoch)
                else:
                    cells[col] = number
        elif kind == "inlineStr" or kind == "str" or kind == "e":
            cells[col] = value
        elif kind == "b":
            if value:
                cells[col] = value.strip() in ("1", "true")
        elif kind == "d" and value:
            cells[col] = datetime.fromisoformat(value)

    def end_row() -> None:
        number = st["row"]
        width = st["width"]
        while st["emitted"] < number - 1:  # rows the file leaves out are blank lines
            st["emitted"] += 1
            ready.append([""] * width)
        size = max(width, max(cells) + 1)
        if size <= MAX_PAD:
            st["width"] = max(width, size)
        row: list[Any] = [""] * size
        for col, value in cells.items():
            row[col] = value
        ready.append(row)
        st["emitted"] = max(st["emitted"], number)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            if ready:
                yield from ready
                ready.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XlsxError(str(exc)) from exc
    yield from ready


# The fast path: the cells of the sheets that Excel, LibreOffice and xlsxwriter write, matched
# by one compiled pattern (in C) over each 64 KB piece of the sheet at once — the row comes
# from each cell's own reference — instead of three expat callbacks per element. A piece that
# holds anything else (formulas with attributes, escaped text, rich text, other attribute
# orders, cells without a reference...) is read row by row, and a row the pattern does not
# cover goes through expat, so the result never depends on it.
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_CELL_PARTS = (
    r'(?: s="(\d+)")?(?: t="(s|n|b|str|inlineStr)")?'
    r"(?:/>|>(?:<f>[^<&]*</f>)?(?:<v>([^<&]*)</v>"
    r'|<is><t( xml:space="preserve")?>([^<&]*)</t></is>)?</c>)'
)
_CELL = re.compile(r'<c r="([A-Z]{1,3})\d+"' + _CELL_PARTS)
_CELL_WITH_ROW = re.compile(r'<c r="([A-Z]{1,3})(\d+)"' + _CELL_PARTS)
_HEAD_END = re.compile(r"<sheetData\s*(/?)>")
_DECLARED_ENCODING = re.compile(r'encoding="([^"]+)"')


class _Rows:
    """The rows of the fast path as they come out: a sheet's blank lines put back, and its
    width (declared, then the widest row up to MAX_PAD) carried from row to row."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.emitted = 0  # the last line handed out
        self.out: list[list[Any]] = []

    def add(self, number: int, row: list[Any]) -> None:
        """A row with at least one value, at sheet line ``number``; its length is the
        sheet's width or more."""
        while self.emitted < number - 1:  # rows the file leaves out are blank lines
            self.emitted += 1
            self.out.append([""] * self.width)
        if len(row) <= MAX_PAD:
            self.width = len(row)
        self.out.append(row)
        self.emitted = max(self.emitted, number)


_NO_VALUE = object()  # a cell that only carries a style


def _cell_value(
    style: str, kind: str, value: str, preserve: str, inline: str, shared: Any, dates: DateStyles
) -> Any:
    """One matched cell's value, or _NO_VALUE."""
    if kind == "s":
        return shared(int(value)) if value else _NO_VALUE
    if kind == "" or kind == "n":
        if not value:
            return _NO_VALUE
        if style and dates and int(style) in dates:
            return excel_date(float(value), dates.epoch)
        return float(value)
    if kind == "inlineStr":
        return inline if preserve else inline.strip()
    if kind == "str":
        return value
    if kind == "b" and value:
        return value.strip() in ("1", "true")
    return _NO_VALUE


def _piece_by_cells(
    piece: str, rows: _Rows, last_row: int, columns: dict[str, int], shared: Any, dates: DateStyles
) -> int | None:
    """The rows of a piece of complete rows from one pass of the cell pattern; returns the
    last row number seen, or None (nothing added) when some cell is not matched or the rows
    do not go down the sheet in order."""
    if piece.count("<row") != piece.count("</row>"):
        return None  # a row left open (refused by the row path), or an empty <row/>
    found = _CELL_WITH_ROW.findall(piece)
    if len(found) != piece.count("<c"):
        return None
    out, width, emitted = len(rows.out), rows.width, rows.emitted
    current = ""
    last = 0
    row: list[Any] = []
    filled = False
    for letters, number, style, kind, value, preserve, inline in found:
        if number != current:
            if filled:
                rows.add(last, row)
            current = number
            n = int(number)
            if n <= last:  # rows out of order, or one row's cells split: read it row by row
                del rows.out[out:]
                rows.width, rows.emitted = width, emitted
                return None
            last = n
            row = [""] * rows.width
            filled = False
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_index(letters)
        if kind == "s" and value:  # most cells of a sheet: shared text
            cell: Any = shared(int(value))
        else:
            cell = _cell_value(style, kind, value, preserve, inline, shared, dates)
            if cell is _NO_VALUE:
                continue
        if col >= len(row):
            row.extend([""] * (col + 1 - len(row)))
        row[col] = cell
        filled = True
    if filled:
        rows.add(last, row)
    return max(last, last_row)


def _piece_by_rows(
    piece: str,
    rows: _Rows,
    last_row: int,
    columns: dict[str, int],
    strings: SharedStrings,
    dates: DateStyles,
) -> int:
    """The rows of a piece one `<row>` at a time (a row the cell pattern does not cover goes
    through expat); returns the last row number seen."""
    matches = list(_ROW.finditer(piece))
    if len(matches) != piece.count("<row"):
        raise XlsxError("a row is not closed")
    for match in matches:
        attrs, body = match.groups()
        number = _ROW_NUMBER.search(attrs)
        last_row = int(number.group(1)) if number else last_row + 1
        if not body:
            continue
        cells: dict[int, Any] = {}
        found_cells = _CELL.findall(body)
        if len(found_cells) != body.count("<c"):
            cells = _slow_row(body, strings, dates)
            found_cells = []
        for letters, style, kind, value, preserve, inline in found_cells:
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = column_index(letters)
            cell = _cell_value(style, kind, value, preserve, inline, strings.get, dates)
            if cell is not _NO_VALUE:
                cells[col] = cell
        if not cells:
            continue
        row: list[Any] = [""] * max(rows.width, max(cells) + 1)
        for col, value in cells.items():
            row[col] = value
        rows.add(last_row, row)
    return last_row


def _fast_sheet_rows(
    stream: IO[bytes], strings: SharedStrings, dates: DateStyles
) -> Iterator[list[Any]]:
    head = stream.read(CHUNK)
    found = _HEAD_END.search(head.decode("utf-8", "replace"))
    encoding = _DECLARED_ENCODING.search(head[:200].decode("ascii", "replace"))
    if (
        found is None
        or b"<worksheet" not in head
        or (encoding is not None and encoding.group(1).lower() not in ("utf-8", "utf8"))
    ):
        # Prefixed tags, another encoding, or a head longer than a chunk: expat reads it all.
        rest = io.BufferedReader(_Prefixed(head, stream))  # type: ignore[arg-type]
        yield from _sheet_rows(rest, strings, dates)
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    text = decoder.decode(head)
    dimension = re.search(r'<dimension ref="[^"]*?([A-Z]+)\d+"', text[: found.start()])
    rows = _Rows(min(column_index(dimension.group(1)) + 1, MAX_PAD) if dimension else 0)
    if found.group(1):  # <sheetData/>: no rows
        return
    buffer = text[found.end() :]
    columns: dict[str, int] = {}
    last_row = 0  # the last row number seen (a <row> without one follows it)
    finished = False
    while True:
        cut = buffer.rfind("</row>")
        end = buffer.find("</sheetData>")
        if end != -1:
            cut, finished = end, True
        elif cut != -1:
            cut += len("</row>")
        if cut > 0:
            piece = buffer[:cut]
            seen = _piece_by_cells(piece, rows, last_row, columns, strings.get, dates)
            last_row = (
                _piece_by_rows(piece, rows, last_row, columns, strings, dates)
                if seen is None
                else seen
            )
            yield from rows.out
            rows.out.clear()
            buffer = buffer[cut:]
        if finished:
            return
        chunk = stream.read(CHUNK)
        if not chunk:
            raise XlsxError("the sheet ends before </sheetData>")
        buffer += decoder.decode(chunk)


def _slow_row(body: str, strings: SharedStrings, dates: DateStyles) -> dict[int, Any]:
    """One row the pattern does not cover, read by the expat reader (its cells by column)."""
    fragment = f"<worksheet><sheetData><row>{body}</row></sheetData></worksheet>"
    rows = list(_sheet_rows(io.BytesIO(fragment.encode("utf-8")), strings, dates))
    return {i: v for i, v in enumerate(rows[0]) if v != ""} if rows else {}


class _Prefixed(io.RawIOBase):
    """The bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        data = self._head[: len(target)] if self._head else self._stream.read(len(target))
        self._head = self._head[len(data) :] if self._head else b""
        target[: len(data)] = data
        return len(data)
