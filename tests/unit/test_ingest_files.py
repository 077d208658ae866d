"""Reading operators' files through the shared intake — header rows where people put them,
the wordings they use, cells as they type them — and what we hand back (neutralised)."""

import csv
import io
import unicodedata
from datetime import date, datetime, time

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from luutru_common import intake
from luutru_common.intake import cells, legacy
from luutru_common.intake.header import find_header
from luutru_common.intake.person import person_record, route_document
from luutru_common.problems import Problem
from luutru_ingest.core import sheets
from luutru_ingest.core import upload_parsing as parsing
from tests.support import cp1258

ROWS = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Ngày đến"],
    ["Nguyễn Thị Hằng", "01/05/1990", "Nữ", "075190001234", "27/11/2026 14:00"],
    ["Đỗ Hữu Lộc", "12/12/1985", "Nam", "075085001234", "27/11/2026 15:30"],
]


def csv_bytes(rows, encode=lambda t: t.encode("utf-8"), delimiter=",", end="\r\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=end).writerows(rows)
    return encode(buffer.getvalue())


def xlsx_bytes(rows) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            sheet.write_string(r, c, text)
    workbook.close()
    return buffer.getvalue()


def lines_of(raw: bytes, filename="x.csv"):
    return intake.open_sheet(raw, filename).head


@pytest.mark.parametrize(
    ("encode", "delimiter"),
    [
        (lambda t: t.encode("utf-8"), ","),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), ";"),
        (lambda t: t.encode("utf-16"), "\t"),  # Excel's "Unicode text"
        (lambda t: t.encode("utf-16-le"), "\t"),  # … without its BOM
        (cp1258, ","),  # tones as combining marks: the text must come back NFC
    ],
    ids=["utf8", "utf8-bom-semicolon", "utf16-tab", "utf16le-no-bom", "cp1258"],
)
def test_csv_encodings_and_separators_give_the_same_nfc_rows(encode, delimiter):
    head = lines_of(csv_bytes(ROWS, encode, delimiter))
    assert [cells for _, cells in head] == ROWS
    assert [n for n, _ in head] == [1, 2, 3]
    assert all(unicodedata.is_normalized("NFC", c) for _, row in head for c in row)


def test_windows_line_ends_written_twice_keep_the_sheets_line_numbers():
    raw = csv_bytes(ROWS, end="\r\r\n")
    assert [n for n, _ in lines_of(raw)] == [1, 2, 3]


TITLED = [
    ["DANH SÁCH KHÁCH LƯU TRÚ", "", ""],
    ["Khách sạn Sông Đồng Nai — ngày 27/11/2026", "", ""],
    ["", "", ""],
    ["STT", "Họ và tên (*)", "Ngày sinh", "Giới tính", "Số CCCD/Hộ chiếu", "Ngày đến"],
    ["1", "Nguyễn Thị Hằng", "01/05/1990", "Nữ", "075190001234", "27/11/2026 14:00"],
]


def test_header_found_under_title_and_blank_rows():
    head = lines_of(csv_bytes(TITLED))
    layout = intake.layout(head, parsing.GUESTS)
    assert layout.header_lines == (4,)
    assert [(c.letter, c.field, c.status) for c in layout.columns] == [
        ("A", "row_number", "ignored"),
        ("B", "full_name", "mapped"),
        ("C", "date_of_birth", "mapped"),
        ("D", "gender", "mapped"),
        ("E", "document_number", "mapped"),
        ("F", "check_in_at", "mapped"),
    ]


def test_two_line_header_under_merged_cells():
    lines = [
        (1, ["Họ và tên", "Ngày sinh", "Giới tính", "Giấy tờ tùy thân", "", "Ngày đến"]),
        (2, ["", "", "", "Loại", "Số", ""]),
        (3, ["An", "01/05/1990", "Nam", "CCCD", "075090001234", "27/11/2026"]),
    ]
    found = find_header(lines, intake.PERSON)
    assert found is not None and found[0] == (1, 2)
    layout = intake.layout(lines, parsing.GUESTS)
    assert {c.letter: c.field for c in layout.columns}["D"] == "document_type"
    assert {c.letter: c.field for c in layout.columns}["E"] == "document_number"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Số giấy tờ", "document_number"),
        ("Số CMND/CCCD", "document_number"),
        ("Số CCCD/Hộ chiếu", "document_number"),
        ("Số định danh", "id_number"),
        ("SO DINH DANH CA NHAN", "id_number"),
        ("Số hộ chiếu", "passport_number"),
        ("Passport No.", "passport_number"),
        ("Nơi cư trú", "country_of_residence"),
        ("Nơi cư trú (quốc gia)", "country_of_residence"),
        ("Quốc gia cư trú", "country_of_residence"),
        ("Ngày đến", "check_in_at"),
        ("Giờ đến", "check_in_time"),
        ("Ngày đi (dự kiến)", "expected_check_out"),
        ("Ngày đi dự kiến", "expected_check_out"),
        ("1. Họ tên khách", "full_name"),
        ("date_of_birth", "date_of_birth"),
        ("Ghi chú", "note"),
        ("SĐT", "phone"),
        ("Mã khách", None),
    ],
)
def test_synonyms(header, field):
    assert intake.PERSON.match(header) == field


def test_missing_columns_are_named_before_anything_is_read():
    lines = [(1, ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày đến", "Ghi chú"])]
    with pytest.raises(Problem) as refused:
        intake.require(intake.layout(lines, parsing.GUESTS), parsing.GUESTS)
    problem = refused.value
    assert (problem.status, problem.code) == (422, "headers-unknown")
    assert [e.code for e in problem.errors] == ["column-missing"]
    assert "Số định danh" in problem.errors[0].message.vi
    assert "“Ghi chú”" in (problem.detail or "")


def test_explicit_mapping_overrides_detection():
    lines = [(1, ["Tên KH", "NS", "GT", "Giấy tờ", "Ngày đến", "Mã"])]
    mapping = intake.validate_mapping(
        {"A": "full_name", "b": "date_of_birth", "C": "gender", "F": None}, parsing.GUESTS
    )
    layout = intake.require(intake.layout(lines, parsing.GUESTS, mapping=mapping), parsing.GUESTS)
    assert layout.fields == {
        0: "full_name",
        1: "date_of_birth",
        2: "gender",
        3: "document_number",
        4: "check_in_at",
    }
    assert layout.columns[5].status == "ignored"
    with pytest.raises(Problem) as refused:
        intake.validate_mapping({"1": "full_name", "B": "shoe_size"}, parsing.GUESTS)
    assert [e.code for e in refused.value.errors] == ["mapping-column", "mapping-field"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01/05/1990", date(1990, 5, 1)),
        ("1/5/1990", date(1990, 5, 1)),
        ("01-05-1990", date(1990, 5, 1)),
        ("01.05.1990", date(1990, 5, 1)),
        ("1990-05-01", date(1990, 5, 1)),
        ("01051990", date(1990, 5, 1)),
        ("01/05/1990 00:00:00", date(1990, 5, 1)),
        (32994, date(1990, 5, 1)),
        (32994.0, date(1990, 5, 1)),
        ("32994", date(1990, 5, 1)),
        (datetime(1990, 5, 1, 0, 0), date(1990, 5, 1)),
    ],
)
def test_dates_as_text_or_excel_serials(value, expected):
    assert cells.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31/02/1990", "date-invalid"),
        ("1990-13-01", "date-invalid"),
        ("00/01/1990", "date-invalid"),
        (99999999, "date-invalid"),
        ("mùng 5 tết", "date-format"),
        ("01/05/90", "date-format"),  # a two-digit year: not guessed
        # A year alone ("Năm sinh"), not Excel's day 1990 of 1905.
        ("1990", "date-year-only"),
        (1990.0, "date-year-only"),
    ],
)
def test_date_that_does_not_exist_differs_from_one_that_cannot_be_read(value, code):
    with pytest.raises(cells.CellError) as refused:
        cells.parse_date(value)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("27/11/2026 14:00", datetime(2026, 11, 27, 14, 0)),
        ("14:00 27/11/2026", datetime(2026, 11, 27, 14, 0)),
        ("27/11/2026 2:30 PM", datetime(2026, 11, 27, 14, 30)),
        ("27/11/2026 14h30", datetime(2026, 11, 27, 14, 30)),
        ("2026-11-27T14:00", datetime(2026, 11, 27, 14, 0)),
        # A PMS export in English: the month as a word, with a time (alone it was read)
        ("27-Nov-2026 14:00", datetime(2026, 11, 27, 14, 0)),
        ("27-Nov-2026 2:30 PM", datetime(2026, 11, 27, 14, 30)),
        ("27/11/2026", date(2026, 11, 27)),
        (46353.25, datetime(2026, 11, 27, 6, 0)),
    ],
)
def test_arrivals(value, expected):
    assert cells.parse_moment(value) == expected


def test_a_chip_card_date_with_a_time_after_it_is_still_a_date():
    # ddmmyyyy as on the QR, with a time: the whole-cell rule is a serial's alone.
    assert cells.parse_date("05031990 14:00") == date(1990, 3, 5)
    with pytest.raises(cells.CellError):
        cells.parse_date("5 14:00")  # not Excel's day 5


def test_times():
    assert cells.parse_time("14g30") == time(14, 30)
    assert cells.parse_time(0.75) == time(18, 0)
    with pytest.raises(cells.CellError):
        cells.parse_time("25:00")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Việt Nam", "VNM"),
        ("VN", "VNM"),
        ("Hàn Quốc", "KOR"),
        ("United Kingdom", "GBR"),
        ("usa", "USA"),
        ("JPN", "JPN"),
        ("Đài Loan", "TWN"),
        ("Atlantis", None),
    ],
)
def test_countries_by_code_or_name(value, code):
    assert cells.country_code(value) == code


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("id", "075090001234", ("id_number", "075090001234", False)),
        (None, "075 090 001 234", ("id_number", "075090001234", False)),
        (None, 75090001234.0, ("id_number", "075090001234", True)),  # Excel dropped the 0
        (None, "C01234567", ("passport_number", "C01234567", False)),
        ("passport", "12345678", ("passport_number", "12345678", False)),
        (None, "123456789", ("legacy_id_number", "123456789", False)),
        (None, "CCCD: 075090001234", ("id_number", "075090001234", False)),
        (None, "HC B1234567", ("passport_number", "B1234567", False)),
    ],
)
def test_document_number_goes_where_it_belongs(kind, value, expected):
    assert route_document(kind, value) == expected


def test_scientific_notation_from_excel_is_named():
    with pytest.raises(cells.CellError) as refused:
        cells.identity_number("7.5090001234E+10")
    assert refused.value.code == "id-number-excel-format"


def test_a_row_reports_every_unreadable_cell_and_reads_the_rest():
    lines = [
        (1, ["Họ", "Tên", "Ngày sinh", "Giới tính", "Loại giấy tờ", "Số giấy tờ", "Ngày đến",
             "Giờ đến", "Quốc tịch"]),
        (2, ["Nguyễn Văn", "An", "31/02/1990", "?", "Hộ chiếu", "B1234567", "27/11/2026",
             "09:15", "Hàn Quốc"]),
    ]  # fmt: skip
    layout = intake.layout(lines, parsing.GUESTS)
    record, errors, warnings = person_record(lines[1][1], layout, "/rows/2")
    assert {(e.pointer, e.code) for e in errors} == {
        ("/rows/2/date_of_birth", "date-invalid"),
        ("/rows/2/gender", "gender-value"),
    }
    assert errors[0].message.vi.startswith("Ngày sinh:")
    assert record == {
        "full_name": "Nguyễn Văn An",
        "passport_number": "B1234567",
        "nationality": "KOR",
        "check_in_at": "2026-11-27T09:15:00",
    }
    assert warnings == []


def test_a_residence_column_holding_addresses_falls_back_on_nationality():
    lines = [(1, ["Họ và tên", "Nơi cư trú"]), (2, ["An", "12 Lê Lợi, Biên Hòa"])]
    layout = intake.layout(lines, parsing.GUESTS)
    record, errors, warnings = person_record(lines[1][1], layout, "/rows/2")
    assert "country_of_residence" not in record and errors == []
    assert [w.code for w in warnings] == ["residence-is-address"]


def test_foreign_errors_for_absent_columns_fold_into_one():
    lines = [(1, ["Họ và tên", "Ngày sinh", "Giới tính", "Số hộ chiếu", "Quốc tịch", "Ngày đến"])]
    layout = intake.layout(lines, parsing.GUESTS)
    absent = parsing.absent_foreign_columns(layout)
    assert absent == ["visa_type", "visa_number", "entry_date", "entry_port"]
    from luutru_common.problems import field_error

    errors = [
        field_error("/rows/2/visa_type", "visa-type-required", "", ""),
        field_error("/rows/2/entry_date", "entry-date-required", "", ""),
        field_error("/rows/2/entry_port", "entry-port-required", "", ""),
        field_error("/rows/2/date_of_birth", "birth-in-future", "", ""),
    ]
    folded = parsing.fold_foreign_errors(errors, absent, "/rows/2")
    assert [e.code for e in folded] == ["birth-in-future", "foreign-columns-missing"]


def test_column_notices_name_what_is_not_stored():
    lines = [(1, ["Họ và tên", "Ngày sinh", "Ghi chú", "Mã KH", "Thời gian đến", "Ngày đến"])]
    layout = intake.layout(lines, parsing.GUESTS)
    notices = {n["column"]: n["code"] for n in parsing.column_notices(layout)}
    assert notices == {"C": "column-not-stored", "D": "column-unknown", "F": "column-duplicate"}


def test_xlsx_header_and_line_numbers_as_excel_shows_them():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, "DANH SÁCH HÀNH KHÁCH — Biển số: 93B-012.34")
    for r, row in enumerate(ROWS, start=2):
        sheet.write_row(r, 0, row)
    workbook.close()
    opened = intake.open_sheet(buffer.getvalue(), "trip.xlsx")
    layout = opened.layout(parsing.PASSENGERS)
    assert layout.header_line == 3
    assert [n for n, _ in opened.data_rows(layout)] == [4, 5]


@pytest.mark.parametrize(
    ("raw", "filename", "status", "code"),
    [
        (b"%PDF-1.7 ...", "list.pdf", 415, "file-unsupported"),
        (b"", "x.csv", 422, "file-empty"),
        (b"\x89PNG\r\n", "photo.png", 415, "file-unsupported"),
    ],
)
def test_files_that_are_not_spreadsheets(raw, filename, status, code):
    with pytest.raises(Problem) as refused:
        intake.open_sheet(raw, filename)
    assert (refused.value.status, refused.value.code) == (status, code)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    assert sheets.neutralise(cell) == "'" + cell
    text = sheets.to_csv([["a"], [cell]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + cell]


def test_plain_cells_untouched():
    assert sheets.neutralise("Nguyễn") == "Nguyễn"
    assert sheets.neutralise(-5) == -5


def test_error_sheet_messages_name_the_column_as_people_do():
    message = sheets.error_message(
        [
            {
                "pointer": "/rows/5/id_number",
                "code": "id-number-format",
                "message": {"vi": "Phải gồm 12 chữ số", "en": "Must be 12 digits"},
            }
        ]
    )
    assert message == "Số định danh: Phải gồm 12 chữ số / Personal ID number: Must be 12 digits"


def tcvn3(text: str) -> str:
    """Text as a .VnTime font stores it (the inverse of the intake's table)."""
    from luutru_common.intake.legacy import _TCVN3

    back = {u: c for c, u in _TCVN3.items()}
    return "".join(back.get(ch, ch) for ch in text)


def test_a_sheet_typed_in_tcvn3_is_read_once_its_header_says_so():
    rows = [[tcvn3(c) for c in row] for row in ROWS]
    assert rows[0][0] == "Hä vµ tªn"
    opened = intake.open_sheet(csv_bytes(rows, lambda t: t.encode("cp1252")), "abc.csv")
    layout = opened.layout(parsing.GUESTS)
    assert opened.encoding == "tcvn3"
    assert [c.header for c in layout.columns] == ROWS[0]
    assert [cells[0] for _, cells in opened.data_rows(layout)] == ["Nguyễn Thị Hằng", "Đỗ Hữu Lộc"]


def vni(text: str) -> str:
    """Text as a VNI-Times font stores it (the inverse of the intake's table)."""
    from luutru_common.intake.legacy import _VNI

    back = {u: c for c, u in _VNI.items()}
    return "".join(back.get(ch, ch) for ch in text)


# Every letter of Vietnamese, both cases, and what else a name or a header holds.
_VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
_NAME_TEXT = st.text(alphabet=_VIETNAMESE + _VIETNAMESE.upper() + " .-()0123456789fjwz")


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        # As VNI-Times files hold them (and VNI keyboards' converters write them).
        ("Xin chaøo caùc baïn", "Xin chào các bạn"),
        ("Nguyeãn Vaên Ñoâng", "Nguyễn Văn Đông"),
        ("Giôùi tính, Quoác tòch, Ñòa chæ", "Giới tính, Quốc tịch, Địa chỉ"),
        ("Tröôøng, Thuûy, Löu truù, ngaøy ñeán", "Trường, Thủy, Lưu trú, ngày đến"),
        (
            "caàu, saét, ngaõ, naëng, chuù yù, kyõ, löïc, ñoù",
            "cầu, sắt, ngã, nặng, chú ý, kỹ, lực, đó",
        ),
        ("AÙ AØ AÛ AÕ AÏ AÂ AÁ AÀ AÅ AÃ AÄ", "Á À Ả Ã Ạ Â Ấ Ầ Ẩ Ẫ Ậ"),
        ("AÊ AÉ AÈ AÚ AÜ AË EÂ EÁ EÀ EÅ EÃ EÄ", "Ă Ắ Ằ Ẳ Ẵ Ặ Ê Ế Ề Ể Ễ Ệ"),
        ("Í Ì Æ Ó Ò OÂ OÁ OÀ OÅ OÃ OÄ", "Í Ì Ỉ Ĩ Ị Ô Ố Ồ Ổ Ỗ Ộ"),
        ("Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ", "Ơ Ớ Ờ Ở Ỡ Ợ Ư Ứ Ừ Ử Ữ Ự"),
        ("YÙ YØ YÛ YÕ Î Ñ", "Ý Ỳ Ỷ Ỹ Ỵ Đ"),
    ],
)
def test_vni_letters(stored, text):
    assert legacy.vni_to_unicode(stored) == text


@given(_NAME_TEXT)
def test_vni_text_comes_back_as_it_was_typed(text):
    assert legacy.vni_to_unicode(vni(text)) == text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_sheet_typed_in_vni_is_read_once_its_header_says_so(kind):
    rows = [[vni(c) for c in row] for row in ROWS]
    assert rows[0][0] == "Hoï vaø teân"
    raw = csv_bytes(rows, lambda t: t.encode("cp1252")) if kind == "csv" else xlsx_bytes(rows)
    opened = intake.open_sheet(raw, f"vni.{kind}")
    layout = opened.layout(parsing.GUESTS)
    assert opened.encoding == "vni"
    assert [c.header for c in layout.columns] == ROWS[0]
    assert [cells[0] for _, cells in opened.data_rows(layout)] == ["Nguyễn Thị Hằng", "Đỗ Hữu Lộc"]


@pytest.mark.parametrize(
    "name",
    [
        "Tá Hà",  # Latin-1 letters: TCVN3 codes
        "Hoà Thị Toàn",  # "oà" is VNI's ồ: the old spelling stays as typed
    ],
)
def test_latin_letters_of_a_unicode_sheet_are_never_taken_for_a_legacy_encoding(name):
    rows = [ROWS[0], [name, "01/05/1990", "Nữ", "075190001234", "27/11/2026 14:00"]]
    opened = intake.open_sheet(csv_bytes(rows), "x.csv")
    layout = opened.layout(parsing.GUESTS)
    assert opened.encoding is None
    assert [cells[0] for _, cells in opened.data_rows(layout)] == [name]


def test_birth_date_written_under_nam_or_nu_gives_the_gender_too():
    lines = [
        (1, ["STT", "Họ và tên", "Ngày sinh", "", "Số CCCD", "Ngày đến"]),
        (2, ["", "", "Nam", "Nữ", "", ""]),
        (3, ["1", "Nguyễn Văn An", "01/05/1990", "", "075090001234", "27/11/2026 14:00"]),
        (4, ["2", "Lê Thị Mai", "", "31/02/1992", "075192001234", "27/11/2026 14:00"]),
    ]
    layout = intake.require(intake.layout(lines, parsing.GUESTS), parsing.GUESTS)
    assert layout.header_lines == (1, 2)
    record, errors, _ = person_record(lines[2][1], layout, "/rows/3")
    assert (record["date_of_birth"], record["gender"], errors) == ("1990-05-01", "male", [])
    record, errors, _ = person_record(lines[3][1], layout, "/rows/4")
    assert [(e.pointer, e.code) for e in errors] == [("/rows/4/date_of_birth", "date-invalid")]
    assert record["gender"] == "female"


def test_gender_ticked_under_nam_or_nu_beside_a_date_of_birth_column():
    """A "Giới tính" over "Nam" | "Nữ" holding an "x", the date in "Ngày sinh" after them: the
    tick was read as a date of birth ("the date cannot be read") and every line refused."""
    lines = [
        (1, ["Họ và tên", "Giới tính", "", "Ngày sinh", "Số CCCD", "Ngày đến"]),
        (2, ["", "Nam", "Nữ", "", "", ""]),
        (3, ["An", "x", "", "01/05/1990", "075090001234", "27/11/2026 14:00"]),
        (4, ["Mai", "", "X", "", "075192001234", "27/11/2026 14:00"]),
    ]
    layout = intake.require(intake.layout(lines, parsing.GUESTS), parsing.GUESTS)
    record, errors, _ = person_record(lines[2][1], layout, "/rows/3")
    assert (record["date_of_birth"], record["gender"], errors) == ("1990-05-01", "male", [])
    record, errors, _ = person_record(lines[3][1], layout, "/rows/4")
    assert (record["gender"], "date_of_birth" in record, errors) == ("female", False, [])


@pytest.mark.parametrize("value", ["01-May-1990", "May 1, 1990", "1 May 1990"])
def test_month_names_of_english_exports(value):
    assert cells.parse_date(value) == date(1990, 5, 1)


# --- cells as receptionists send them --------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "ngày 5 tháng 3 năm 1990",  # as Vietnamese documents write a date
        "Ngày 05 tháng 03 năm 1990",
        "5 tháng 3 năm 1990",
        "ngay 5 thang 3 nam 1990",
        "05 / 03 / 1990",  # spaces around the slashes
        "\u200b05/03/1990",  # a zero-width space pasted in front
        "'05/03/1990",  # Excel's text apostrophe
        '="05/03/1990"',  # a CSV's way to keep it text
    ],
)
def test_dates_written_out_or_pasted_are_read(value):
    # "5 tháng 3 năm 1990" was read as Excel's day 5: 4 January 1900, stored without an error.
    assert cells.parse_date(value) == date(1990, 3, 5)


@pytest.mark.parametrize("value", ["5/3/90", "05-03-90", "5-Mar-90", "ngày 5 tháng 3 năm 90"])
def test_a_two_digit_year_is_refused_saying_so(value):
    with pytest.raises(cells.CellError) as refused:
        cells.parse_date(value)
    assert refused.value.code == "date-format"
    assert "2 chữ số" in refused.value.vi and "2 digits" in refused.value.en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'075090001234", ("075090001234", False)),  # Excel's text apostrophe
        ("\u200b075090001234", ("075090001234", False)),  # a zero-width space
        ("075090001234\u2060", ("075090001234", False)),  # a word joiner
        ('="075090001234"', ("075090001234", False)),  # a CSV keeping the leading 0
        # A number cell written out as a decimal: not "750900012340".
        ("75090001234.0", ("075090001234", True)),
        ("075090001234.0", ("075090001234", False)),
        ("123456789012.0", ("123456789012", False)),
    ],
)
def test_id_numbers_behind_invisible_marks_or_as_decimals(value, expected):
    assert cells.identity_number(value) == expected


def test_text_drops_what_no_one_sees():
    assert cells.text("Nguyễn\u200b Văn\u00ad An") == "Nguyễn Văn An"
    assert cells.text("'C1234567") == "C1234567"


def test_the_letter_o_for_a_zero_is_refused_not_taken_for_a_passport():
    with pytest.raises(cells.CellError) as refused:
        route_document(None, "O75090001234")
    assert refused.value.code == "id-number-format"
    assert "O" in refused.value.vi and "letter O" in refused.value.en
    # Said to be a passport, it is one.
    assert route_document("passport", "O75090001234")[0] == "passport_number"
    assert route_document(None, "O1234567") == ("passport_number", "O1234567", False)
    with pytest.raises(cells.CellError):  # grouped as on the card
        route_document(None, "O75 090 001 234")
    lines = [(1, ["Họ và tên", "Số CCCD"]), (2, ["An", "0750900O1234"])]
    layout = intake.layout(lines, parsing.PASSENGERS)
    _, errors, _ = person_record(lines[1][1], layout, "/rows/2")
    assert [(e.pointer, e.code) for e in errors] == [("/rows/2/id_number", "id-number-format")]


@pytest.mark.parametrize("header", ["Số CCCD/CMND", "CCCD/CMND", "Số CCCD/CMND/Hộ chiếu"])
def test_the_document_header_either_way_round(header):
    assert intake.PERSON.match(header) == "document_number"


def test_a_cover_sheet_first_is_named_in_the_refusal():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("Bìa").write(0, 0, "BÁO CÁO KHÁCH LƯU TRÚ")
    workbook.add_worksheet("Danh sách").write_row(0, 0, ["Họ và tên", "Ngày sinh", "Giới tính"])
    workbook.close()
    with pytest.raises(Problem) as refused:
        intake.open_sheet(buffer.getvalue(), "khach.xlsx").layout(parsing.GUESTS)
    assert refused.value.code == "headers-unknown"
    assert "“Bìa”" in refused.value.detail and "“Danh sách”" in refused.value.detail
    assert "Only the first sheet" in refused.value.detail
