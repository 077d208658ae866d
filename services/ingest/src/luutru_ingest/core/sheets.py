"""Files we hand back: the operator's sheet with only the bad rows (plus an error column), and
the templates. Every cell is neutralised against formula (CSV) injection first."""

from __future__ import annotations

from typing import Any

import pycountry

from luutru_common import safe_sheets
from luutru_common.facility_types import FACILITY_TYPES
from luutru_common.intake import PERSON

# Every file handed back goes through the one safe writer of luutru_common.
neutralise = safe_sheets.neutralise
to_csv = safe_sheets.csv_bytes
to_xlsx = safe_sheets.xlsx_bytes


ERROR_COLUMN = "Lỗi / Errors"


def error_message(errors: list[dict]) -> str:
    """The reasons a row was refused, each under the name of its column as people say it."""
    parts = []
    for e in errors:
        key = e["pointer"].rsplit("/", 1)[-1]
        field = PERSON.fields.get(key)
        vi, en = e["message"]["vi"], e["message"]["en"]
        if field is not None:
            vi = vi if vi.startswith(field.vi) else f"{field.vi}: {vi}"
            en = en if en.startswith(field.en) else f"{field.en}: {en}"
        parts.append(f"{vi} / {en}")
    return "; ".join(parts)


TEMPLATE_HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Số hộ chiếu",
    "Quốc tịch",
    "Nước cư trú",
    "Loại thị thực",
    "Số thị thực",
    "Ngày nhập cảnh",
    "Cửa khẩu nhập cảnh",
    "Giấy tờ người đi cùng",
    "Quan hệ",
    "Phòng",
    "Lý do",
    "Ngày đến",
    "Ngày đi dự kiến",
]
TEMPLATE_EXAMPLES = [
    [
        "Nguyễn Văn An",
        "01/05/1990",
        "Nam",
        "075090001234",
        "",
        "VNM",
        "VNM",
        "",
        "",
        "",
        "",
        "",
        "",
        "101",
        "Du lịch",
        "27/11/2026 14:00",
        "29/11/2026",
    ],
    [
        "John Smith",
        "12/03/1985",
        "Male",
        "",
        "C01234567",
        "GBR",
        "GBR",
        "exempt",
        "",
        "20/11/2026",
        "Tân Sơn Nhất",
        "",
        "",
        "102",
        "Tourism",
        "27/11/2026 15:30",
        "30/11/2026",
    ],
]
INSTRUCTIONS = [
    ["Hướng dẫn / Instructions"],
    ["Mỗi dòng một khách; giữ nguyên dòng tiêu đề (tiếng Việt hoặc tiếng Anh đều được)."],
    ["One guest per row; keep the header row (Vietnamese or English headers both work)."],
    ["Ngày: dd/mm/yyyy hoặc ô ngày của Excel. Dates: dd/mm/yyyy or Excel date cells."],
    ["Giới tính: Nam / Nữ / Khác. Gender: Male / Female / Other."],
    ["Cần Số định danh (12 số) hoặc Số hộ chiếu. An ID number (12 digits) or a passport."],
    [
        "Người nước ngoài: hộ chiếu, loại thị thực (exempt nếu miễn), số thị thực, ngày và cửa "
        "khẩu nhập cảnh. Foreigners: passport, visa type (exempt if exempt), visa number, "
        "entry date and port."
    ],
    ["Trẻ em: giấy tờ người đi cùng và quan hệ. Minors: accompanying adult and relationship."],
    ["Quốc tịch: mã ISO 3166-1 alpha-3 (VNM, USA, KOR…). Nationality: ISO alpha-3 codes."],
]


def template_rows() -> list[list[Any]]:
    """The guest list template: headers and example rows."""
    return [TEMPLATE_HEADERS, *TEMPLATE_EXAMPLES]


# A coach trip's passenger sheet (POST /v1/uploads/trips): the trip's own fields go in the
# form, one passenger per row here. The same header names the upload parser reads.
PASSENGER_TEMPLATE_HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Số hộ chiếu",
    "Quốc tịch",
    "Loại thị thực",
    "Số thị thực",
    "Ngày nhập cảnh",
    "Cửa khẩu nhập cảnh",
    "Số ghế",
    "Điểm đón",
    "Điểm trả",
]
PASSENGER_TEMPLATE_EXAMPLES = [
    ["Nguyễn Văn An", "15/03/1990", "Nam", "075090001234", "", "VNM", "", "", "", "",
     "A1", "Bến xe Biên Hòa", "Bến xe Liên tỉnh Đà Lạt"],
    ["Kim Min Jun", "04/07/1991", "Male", "", "M12345678", "KOR", "exempt", "", "20/11/2026",
     "Tân Sơn Nhất", "A2", "Bến xe Biên Hòa", "Bến xe Liên tỉnh Đà Lạt"],
]  # fmt: skip


def passenger_template_rows() -> list[list[Any]]:
    """The passenger list template: headers and example rows."""
    return [PASSENGER_TEMPLATE_HEADERS, *PASSENGER_TEMPLATE_EXAMPLES]


def template_xlsx() -> bytes:
    """The guest list template as XLSX, with instructions and the code lists."""
    codes = [["Mã / Code", "Quốc gia / Country"]] + sorted(
        [c.alpha_3, c.name] for c in pycountry.countries
    )
    types = [["Loại cơ sở / Facility type", "Tên / Name"]] + [
        [t.code, f"{t.name_vi} / {t.name_en}"] for t in FACILITY_TYPES
    ]
    genders = [["Giới tính / Gender"], ["Nam / Male"], ["Nữ / Female"], ["Khác / Other"]]
    return to_xlsx(
        {
            "Khách - Guests": template_rows(),
            "Hướng dẫn - Instructions": INSTRUCTIONS,
            "Quốc gia - Countries": codes,
            "Giới tính - Genders": genders,
            "Loại cơ sở - Types": types,
        }
    )
