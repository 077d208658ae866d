"""luutru_common.intake.files: the spreadsheets people really send — any encoding a Vietnamese
office PC writes, the separators its Excel picks, line numbers as the spreadsheet shows them —
and the files that are not spreadsheets, each refused with its one shared problem."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from luutru_common import intake
from luutru_common.intake import cells, files
from luutru_common.problems import Problem
from tests.support import cp1258

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROWS = [["Họ và tên", "Ngày sinh"], ["Nguyễn Thị Ánh", "05/03/1990"], ["Đỗ Văn Lộc", "31/12/2001"]]


def csv_text(delimiter: str = ",", end: str = "\r\n") -> str:
    return end.join(delimiter.join(r) for r in ROWS) + end


def refused(raw: bytes, filename: str = "") -> Problem:
    with pytest.raises(Problem) as caught:
        files.iter_lines(raw, files.sniff_format(raw, filename)).__next__()
    return caught.value


def problem_of(call) -> Problem:
    with pytest.raises(Problem) as caught:
        call()
    return caught.value


# --- text: encodings, separators, line ends ---------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with its BOM, as Excel's "Unicode text" saves it
        lambda t: t.encode("utf-16-le"),  # the same without a BOM
        cp1258,  # tones as combining marks
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-no-bom", "windows-1258"],
)
def test_decode_text_in_every_encoding_gives_the_same_nfc_text(encode):
    text = csv_text()
    decoded = files.decode_text(encode(text))
    assert decoded == text
    assert unicodedata.is_normalized("NFC", decoded)


def test_windows_1258_without_nfc_would_not_compare_equal():
    # The raw decoding keeps the tones apart; decode_text puts the letters back together.
    raw = cp1258("Nguyễn Thị Ánh")
    assert raw.decode("cp1258") != "Nguyễn Thị Ánh"
    assert files.decode_text(raw) == "Nguyễn Thị Ánh"


def test_text_with_nul_characters_is_not_a_csv():
    problem = problem_of(lambda: files.decode_text(b"\x00\x01\x02binary"))
    assert (problem.status, problem.code) == (415, "file-unsupported")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        (csv_text(","), ","),
        (csv_text(";"), ";"),  # a Vietnamese-locale Excel
        (csv_text("\t"), "\t"),  # Excel's "Unicode text"
        ("Danh sách, năm 2026\n\n" + csv_text(";"), ";"),  # a title with a comma above
        ("Họ và tên\nNguyễn Thị Ánh\n", ","),  # one column: nothing to judge by
    ],
    ids=["comma", "semicolon", "tab", "title-above", "one-column"],
)
def test_csv_delimiter(text, delimiter):
    assert files.csv_delimiter(text) == delimiter


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_lines_read_the_rows_with_their_numbers(delimiter):
    assert list(files.csv_lines(csv_text(delimiter))) == list(enumerate(ROWS, start=1))


def test_line_ends_written_twice_keep_the_row_numbers():
    """A CSV written in text mode on Windows ends its lines with \\r\\r\\n: one line end each,
    not a line end and a blank line (which would push every row down by one more)."""
    lines = list(files.csv_lines(csv_text(end="\r\r\n")))
    assert [n for n, _ in lines] == [1, 2, 3]
    assert [row for _, row in lines] == ROWS


def test_blank_lines_and_a_quoted_line_break_keep_the_spreadsheets_numbers():
    text = 'Họ và tên,Ghi chú\n\nNguyễn Thị Ánh,"dòng một\ndòng hai"\nĐỗ Văn Lộc,x\n'
    lines = list(files.csv_lines(text))
    # Line 2 is blank; the quoted cell is one row, as a spreadsheet shows it.
    assert [(n, row) for n, row in lines if not files.is_blank(row)] == [
        (1, ["Họ và tên", "Ghi chú"]),
        (3, ["Nguyễn Thị Ánh", "dòng một\ndòng hai"]),
        (4, ["Đỗ Văn Lộc", "x"]),
    ]


# --- what kind of file it is ------------------------------------------------------------


def xlsx(rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def zipped(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "filename", "fmt"),
    [
        (csv_text().encode(), "ds.csv", "csv"),
        (csv_text().encode(), "ds.txt", "csv"),
        (csv_text().encode(), "", "csv"),
        (xlsx(ROWS), "ds.xlsx", "xlsx"),
        (xlsx(ROWS), "ds.csv", "xlsx"),  # the content decides, not the name
    ],
)
def test_sniff_format(raw, filename, fmt):
    assert files.sniff_format(raw, filename) == fmt


def test_zip_bomb_is_refused_before_unpacking():
    bomb = zipped({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (50 << 20)})
    assert len(bomb) < 1024 * 1024  # 50 MB of zeros in well under 1 MB
    problem = problem_of(lambda: files.sniff_format(bomb, "bomb.xlsx"))
    assert (problem.status, problem.code) == (413, "archive-too-large")
    assert [(e.pointer, e.code) for e in problem.errors] == [("/file", "archive-too-large")]


def test_an_archive_of_too_many_entries_is_refused():
    many = zipped({f"xl/part{i}.xml": "" for i in range(files.MAX_ENTRIES + 1)})
    problem = problem_of(lambda: files.sniff_format(many, "many.xlsx"))
    assert (problem.status, problem.code) == (413, "archive-too-large")


@pytest.mark.parametrize(
    ("raw", "filename"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "ds.pdf"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "ds.csv"),  # a PDF, whatever its name
        (b"\x89PNG\r\n\x1a\n\x00\x00", "anh.png"),
        (zipped({"word/document.xml": "<w:document/>"}), "ds.docx"),  # a Word document
        (zipped({"readme.txt": "hello"}), "ds.zip"),  # an archive with no sheet in it
        (b"Ho ten,Ngay sinh\n", "ds.pdf"),  # named as a non-spreadsheet
    ],
    ids=["pdf", "pdf-named-csv", "png", "word-docx", "plain-zip", "pdf-extension"],
)
def test_what_is_not_a_spreadsheet_is_unsupported(raw, filename):
    problem = problem_of(lambda: files.sniff_format(raw, filename))
    assert (problem.status, problem.code) == (415, "file-unsupported")
    assert [(e.pointer, e.code) for e in problem.errors] == [("/file", "file-unsupported")]


@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n", b"\xff\xfe"])
def test_an_empty_file(raw):
    problem = problem_of(lambda: files.sniff_format(raw, "ds.csv"))
    assert (problem.status, problem.code) == (422, "file-empty")


def test_a_damaged_archive_is_unreadable():
    problem = refused(b"PK\x03\x04 not really a workbook", "ds.xlsx")
    assert (problem.status, problem.code) == (422, "file-unreadable")


def test_an_xlsx_without_its_sheet_is_unreadable():
    problem = refused(zipped({"xl/workbook.xml": "<workbook/>"}), "ds.xlsx")
    assert (problem.status, problem.code) == (422, "file-unreadable")


# --- spreadsheets: cells keep their types, rows their numbers ----------------------------


def test_xlsx_keeps_cell_types_and_the_sheets_line_numbers():
    raw = xlsx([["Danh sách"], [], ["Tên", "Số phòng"], ["Khách sạn Hòa Bình", 12]])
    lines = [(n, row) for n, row in files.iter_lines(raw, "xlsx") if not files.is_blank(row)]
    assert lines == [
        (1, ["Danh sách", ""]),
        (3, ["Tên", "Số phòng"]),
        (4, ["Khách sạn Hòa Bình", 12.0]),
    ]


@pytest.mark.parametrize("name", ["sheet.xls", "sheet.ods"])
def test_xls_and_ods_through_calamine(name):
    """Real files from real writers (xlwt, odfpy: tests/unit/fixtures/make_sheets.py): a title
    on line 1, line 2 blank, the header on line 3, dates of birth as date cells."""
    raw = (FIXTURES / name).read_bytes()
    sheet = intake.open_sheet(raw, name)
    assert sheet.format == name.rsplit(".", 1)[1]
    target = intake.Target(
        name="test",
        vocabulary=intake.PERSON,
        stores=frozenset({"full_name", "date_of_birth", "id_number"}),
        required=(("full_name",),),
    )
    found = sheet.layout(target)
    assert found.header_line == 3
    rows = [(n, row[1:]) for n, row in sheet.data_rows(found)]
    assert rows == [
        (4, ["Nguyễn Thị Ánh", date(1990, 3, 5), "075190001234"]),
        (5, ["Đỗ Văn Lộc", date(2001, 12, 31), "079201004321"]),
    ]


@pytest.mark.parametrize("name", ["leading-blank.xls", "leading-blank.ods"])
def test_xls_and_ods_that_start_with_empty_rows_keep_the_sheets_line_numbers(name):
    """Lines 1 and 2 and column A are empty: the header is still line 3, the person line 4,
    and the name still column B."""
    lines = list(files.iter_lines((FIXTURES / name).read_bytes(), name.rsplit(".", 1)[1]))
    assert [(n, row) for n, row in lines if not files.is_blank(row)] == [
        (3, ["", "Họ và tên", "Số CCCD"]),
        (4, ["", "Nguyễn Văn A", "075190001234"]),
    ]


def test_an_ole2_file_that_is_not_a_workbook_is_unreadable():
    # The Excel 97–2003 signature in front of nothing calamine can read.
    problem = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ds.xls")
    assert (problem.status, problem.code) == (422, "file-unreadable")


# --- one set of problems ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("file-too-large", 413),
        ("archive-too-large", 413),
        ("too-many-rows", 413),
        ("file-empty", 422),
        ("file-unreadable", 422),
        ("file-unsupported", 415),
        ("headers-unknown", 422),
    ],
)
def test_file_problem_codes_and_statuses(code, status):
    problem = files.file_problem(code, "tối đa 10 MB", "at most 10 MB")
    assert (problem.status, problem.code) == (status, code)
    (error,) = problem.errors
    assert (error.pointer, error.code) == ("/file", code)
    assert error.message.vi.endswith(": tối đa 10 MB")
    assert error.message.en.endswith(": at most 10 MB")


# --- dates as spreadsheets give them (what the old tabular.excel_date was tested for) -----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (32874, date(1990, 1, 1)),  # an Excel serial number
        (32874.0, date(1990, 1, 1)),
        ("32874", date(1990, 1, 1)),
        ("05/03/1990", date(1990, 3, 5)),  # dd/mm/yyyy, never mm/dd
        ("05-03-1990", date(1990, 3, 5)),
        ("05.03.1990", date(1990, 3, 5)),
        ("1990-03-05", date(1990, 3, 5)),
        (datetime(1990, 3, 5, 14, 0), date(1990, 3, 5)),
        (date(1990, 3, 5), date(1990, 3, 5)),
    ],
)
def test_dates_as_spreadsheets_give_them(value, expected):
    assert cells.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [("31/02/1990", "date-invalid"), ("1990/13/01", "date-invalid"), ("tomorrow", "date-format")],
)
def test_dates_that_do_not_exist_or_cannot_be_read(value, code):
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(value)
    assert caught.value.code == code
