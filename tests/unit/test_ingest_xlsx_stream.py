"""The streaming XLSX reader gives the rows python-calamine gives, without loading the sheet."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from datetime import date, datetime, time

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from luutru_common import intake
from luutru_common.intake import files, xlsx_stream
from luutru_common.intake.person import person_record
from luutru_common.problems import Problem
from luutru_ingest.core import upload_parsing as parsing

NAME_NFC = unicodedata.normalize("NFC", "Nguyễn Thị Hằng")
NAME_NFD = unicodedata.normalize("NFD", "Trần Văn Đức")


def calamine_rows(raw: bytes) -> list[list]:
    return list(CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0).iter_rows())


def stream_rows(raw: bytes) -> list[list]:
    """The rows as the upload worker reads them (pattern fast path), checked against the
    general expat reader on every file: both must agree."""
    rows = [cells for _, cells in files.iter_lines(raw, "xlsx")]
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert list(xlsx_stream.iter_sheet_rows(archive, fast=False)) == rows
    return rows


def workbook(options: dict | None = None, fill=None) -> bytes:
    buffer = io.BytesIO()
    # constant_memory needs temporary files (in_memory off); it then writes inline strings.
    in_memory = not (options or {}).get("constant_memory")
    book = xlsxwriter.Workbook(buffer, {"in_memory": in_memory, **(options or {})})
    sheet = book.add_worksheet("Khách")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    moment = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    if fill is None:
        sheet.write_row(0, 0, ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Ngày đến"])
        sheet.write_row(1, 0, [NAME_NFC, "01/05/1990", "Nữ", "075190001234"])
        sheet.write_datetime(1, 4, datetime(2026, 11, 27, 14, 30), moment)
        sheet.write(2, 0, NAME_NFD)
        sheet.write_number(2, 1, 33000, day)  # a date as an Excel serial with a date format
        sheet.write_number(2, 3, 75190001234)
        sheet.write_number(2, 4, 46353.25)  # a serial without a date format: a plain number
        # row 4 left out entirely: a blank line
        sheet.write(4, 0, "Gaps")
        sheet.write(4, 3, "after two empty cells")
        sheet.write_boolean(5, 0, True)
        sheet.write_boolean(5, 1, False)
        sheet.write_number(5, 2, -2.5)
        sheet.write_number(5, 3, 0.75, clock)
        sheet.write_formula(5, 4, "=1+1", None, 2)
        sheet.write(6, 2, "=not a formula") if options and not options.get(
            "strings_to_formulas", True
        ) else sheet.write_string(6, 2, "text")
        sheet.write(7, 0, "Nguyễn   có  dấu cách ")
    else:
        fill(sheet)
    other = book.add_worksheet("Hướng dẫn")
    other.write(0, 0, "ignored: second sheet")
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "options",
    [
        None,
        {"strings_to_numbers": False, "strings_to_formulas": False},
        {"constant_memory": True},
    ],
)
def test_rows_equal_calamine(options):
    raw = workbook(options)
    expected = calamine_rows(raw)
    assert stream_rows(raw) == expected
    rows = stream_rows(raw)
    assert rows[1][0] == NAME_NFC and rows[2][0] == NAME_NFD  # text kept as written
    assert rows[2][1] == date(1990, 5, 7) and rows[1][4] == datetime(2026, 11, 27, 14, 30)
    assert rows[3] == ["", "", "", "", ""]
    assert rows[4] == ["Gaps", "", "", "after two empty cells", ""]
    assert rows[5] == [True, False, -2.5, time(18), 2.0]


def test_a_workbook_in_the_1904_date_system_gives_the_dates_it_shows():
    """Excel for Mac's 1904 date system counts serials from 1 January 1904: read from 1900,
    every date came out four years and a day early (a guest born 05/03/1990 stored as born
    04/03/1986, an arrival in 2022) — without an error."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Họ và tên", "Ngày sinh", "Ngày đến", "Giờ đến"])
    sheet.write(1, 0, NAME_NFC)
    sheet.write_datetime(1, 1, datetime(1990, 3, 5), book.add_format({"num_format": "dd/mm/yyyy"}))
    at = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write_datetime(1, 2, datetime(2026, 11, 27, 14, 30), at)
    sheet.write_datetime(1, 3, time(14, 30), book.add_format({"num_format": "hh:mm"}))
    book.close()
    raw = buffer.getvalue()
    rows = stream_rows(raw)
    assert rows[1][1:] == [date(1990, 3, 5), datetime(2026, 11, 27, 14, 30), time(14, 30)]
    assert rows == calamine_rows(raw)


def test_constant_memory_file_uses_inline_strings():
    raw = workbook({"constant_memory": True})
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert b't="inlineStr"' in archive.read("xl/worksheets/sheet1.xml")


def test_rows_feed_the_same_records():
    raw = workbook()
    rows = stream_rows(raw)
    layout = intake.Sheet(raw, "xlsx").layout(parsing.GUESTS)
    record, errors, warnings = person_record(rows[2], layout, "/rows/3")
    assert errors == []
    assert record["date_of_birth"] == "1990-05-07"
    # Excel kept the ID as a number and dropped its leading zero: put back, and said so.
    assert record["id_number"] == "075190001234"
    assert [w.code for w in warnings] == ["id-leading-zero-restored"]
    assert record["check_in_at"] == "2026-11-27T06:00:00"


def test_empty_sheet():
    raw = workbook(fill=lambda sheet: None)
    assert stream_rows(raw) == calamine_rows(raw) == []


def test_many_rows_and_repeated_strings_read_through_the_spilled_table():
    def fill(sheet):
        for r in range(3 * xlsx_stream.CACHE_SIZE):
            sheet.write_row(r, 0, [f"Khách {r}", "Nam" if r % 2 else "Nữ", r])

    raw = workbook(fill=fill)
    assert stream_rows(raw) == calamine_rows(raw)


def _hand_built(sheet_xml: str, shared: str | None = None, prefix: str = "") -> bytes:
    """A minimal XLSX zip, as other producers write them: inline strings, rich text, sheets
    found only through the relationships."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/data/first.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared
                else ""
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}">'
            '<sheets><sheet name="Khách" sheetId="1" r:id="rId7"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId7" Type="{rel}/worksheet" Target="/xl/data/first.xml"/>'
            + (
                f'<Relationship Id="rId8" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared
                else ""
            )
            + "</Relationships>",
        )
        z.writestr(
            "xl/data/first.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet xmlns{prefix and ":"}'
            f'{prefix[:-1]}="{ns}"><{prefix}sheetData>{sheet_xml}</{prefix}sheetData>'
            f"</{prefix}worksheet>",
        )
        if shared:
            z.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}">{shared}</sst>',
            )
    return buffer.getvalue()


INLINE = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'
    '<c r="C1" t="inlineStr"><is><r><t xml:space="preserve">Số </t></r><r><rPr><b/></rPr><t>định danh</t></r></is></c>'
    "</row>"
    '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> Lê Thị Ánh </t></is></c>'
    '<c r="B3"><v>12</v></c><c r="C3" t="s"><v>0</v></c></row>'
    '<row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4" t="b"><v>1</v></c></row>'
)
SHARED = (
    "<si><t>079190001234</t></si>"
    '<si><r><t xml:space="preserve">Ngô </t></r><r><t>Bảo</t></r><rPh><t>ignored phonetic</t></rPh></si>'
)


def test_hand_built_inline_and_rich_text_equal_calamine():
    raw = _hand_built(INLINE, SHARED)
    rows = stream_rows(raw)
    assert rows == calamine_rows(raw)
    assert rows == [
        ["Họ và tên", "", "Số định danh"],
        ["", "", ""],
        [" Lê Thị Ánh ", 12.0, "079190001234"],
        ["Ngô Bảo", True, ""],
    ]


def test_text_without_preserve_loses_outer_spaces_as_in_calamine():
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t> a b </t></is></c><c r="B1" t="inlineStr">'
        '<is><r><t> x </t></r><r><t xml:space="preserve"> y </t></r></is></c></row>'
    )
    raw = _hand_built(sheet)
    assert stream_rows(raw) == calamine_rows(raw) == [["a b", "x y "]]


def test_prefixed_namespace_and_cells_without_references():
    sheet = (
        '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>1</x:v></x:c></x:row>'
    )
    raw = _hand_built(sheet, prefix="x:")
    assert stream_rows(raw) == [["a", 1.0]]


def test_rows_outside_the_pattern_take_the_expat_path():
    sheet = (
        '<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="inlineStr"><is><t>Bảo &amp; Anh</t></is></c>'  # escaped text
        '<c t="n" r="C1" s="0"><v>7</v></c></row>'  # another attribute order
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="C2" t="str"><f t="shared" si="0"/>'
        "<v>x</v></c></row>"
    )
    raw = _hand_built(sheet, SHARED)
    assert stream_rows(raw) == [["079190001234", "Bảo & Anh", 7.0], ["Ngô Bảo", "", "x"]]


def test_pieces_the_cell_pattern_reads_whole_agree_with_expat():
    # The fast path matches a whole 64 KB piece of cells at once, each cell's row from its
    # reference; rows out of order, a row's cells out of order, empty rows, cells with only a
    # style and empty text cells send a piece to the row path. Every case, far enough down
    # the sheet to cross pieces, gives what expat gives.
    rng = random.Random(5)
    rows, r = [], 1
    for n in range(3000):
        r += rng.choice([1, 1, 1, 2, 5])
        cells = []
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: rng.randint(1, 30)]:
            kind = rng.choice(["s", "s", "s", "n", "style", "str", "none"])
            ref = f'r="{letter}{r}"'
            if kind == "s":
                cells.append(f'<c {ref} t="s"><v>{rng.randint(0, 1)}</v></c>')
            elif kind == "n":
                cells.append(f"<c {ref}><v>{rng.randint(-5, 99999)}</v></c>")
            elif kind == "style":
                cells.append(f'<c {ref} s="1"/>')
            elif kind == "str":
                cells.append(f'<c {ref} t="str"><v>{rng.choice(["", "x"])}</v></c>')
        if n == 1500:
            cells.reverse()  # one row's cells out of order
        body = "".join(cells)
        rows.append(f'<row r="{r}"/>' if n % 700 == 0 else f'<row r="{r}">{body}</row>')
    rows[2000], rows[2001] = rows[2001], rows[2000]  # two rows out of order
    raw = _hand_built("".join(rows), SHARED)
    read = stream_rows(raw)
    assert len(read) > 3000
    assert read[-1] == calamine_rows(raw)[-1]


def test_column_letters():
    assert [xlsx_stream.column_index(c) for c in ("A", "Z", "AA", "AZ", "XFD")] == [
        0,
        25,
        26,
        51,
        16383,
    ]


def test_broken_sheet_is_unreadable():
    raw = _hand_built('<row r="1"><c r="A1"><v>1</v></c>')  # </row> missing
    with pytest.raises(Problem) as refused:
        list(files.iter_lines(raw, "xlsx"))
    assert (refused.value.status, refused.value.code) == (422, "file-unreadable")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, pytest.raises(xlsx_stream.XlsxError):
        list(xlsx_stream.iter_sheet_rows(archive, fast=False))
    assert (refused.value.status, refused.value.code) == (422, "file-unreadable")
    with pytest.raises(Problem) as refused:
        list(files.iter_lines(b"PK\x03\x04 not really a zip", "xlsx"))
    assert refused.value.code == "file-unreadable"


def test_strings_longer_than_a_block_and_across_blocks():
    # The spilled strings are read back a block at a time: a string may start in one block
    # and end in the next, or be longer than a block (a cell holds up to 32,767 characters).
    letters = "ăâđêôơưễếờảọ "
    rng = random.Random(3)  # varied text: a repeated letter would look like a zip bomb

    def fill(sheet):
        for r in range(40):
            text = "".join(rng.choices(letters, k=r * 997 % 32_000))
            sheet.write_row(r, 0, [f"{r} {text}", f"Khách {r}"])

    raw = workbook(fill=fill)
    rows = stream_rows(raw)
    assert rows == calamine_rows(raw)
    assert max(len(row[0].encode()) for row in rows) > xlsx_stream.BLOCK
