"""The names people read, in Vietnamese and English: countries (every ISO 3166-1 country),
roles and visa types. One source for the APIs that publish them (accounts: GET
/v1/countries, /v1/roles, /v1/visa-types), the console and the exports, and for reading
country names in spreadsheets (`intake.cells.country_code`).

Country names: the Vietnamese names in use today (Bộ Ngoại giao) for the countries guests
come from most, then pycountry's Vietnamese translation, then the English name.
"""

from __future__ import annotations

import gettext
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

# Vietnamese names as written today; pycountry's translation is older ("Căm Bốt", "Nam
# Dương", "Phi-li-pi-nợ") or long ("Cộng hoà Nam Hàn").
_VI_NAMES = {
    "VNM": "Việt Nam",
    "CHN": "Trung Quốc",
    "KOR": "Hàn Quốc",
    "PRK": "Triều Tiên",
    "JPN": "Nhật Bản",
    "USA": "Hoa Kỳ",
    "GBR": "Vương quốc Anh",
    "FRA": "Pháp",
    "DEU": "Đức",
    "RUS": "Liên bang Nga",
    "AUS": "Úc",
    "THA": "Thái Lan",
    "LAO": "Lào",
    "KHM": "Campuchia",
    "SGP": "Singapore",
    "MYS": "Malaysia",
    "IDN": "Indonesia",
    "PHL": "Philippines",
    "MMR": "Myanmar",
    "BRN": "Brunei",
    "TLS": "Đông Timor",
    "IND": "Ấn Độ",
    "TWN": "Đài Loan (Trung Quốc)",
    "HKG": "Hồng Kông (Trung Quốc)",
    "MAC": "Ma Cao (Trung Quốc)",
    "CAN": "Canada",
    "ITA": "Italia",
    "ESP": "Tây Ban Nha",
    "PRT": "Bồ Đào Nha",
    "NLD": "Hà Lan",
    "BEL": "Bỉ",
    "CHE": "Thụy Sĩ",
    "AUT": "Áo",
    "SWE": "Thụy Điển",
    "NOR": "Na Uy",
    "DNK": "Đan Mạch",
    "FIN": "Phần Lan",
    "POL": "Ba Lan",
    "CZE": "Séc",
    "SVK": "Slovakia",
    "HUN": "Hungary",
    "ROU": "Romania",
    "BGR": "Bulgaria",
    "GRC": "Hy Lạp",
    "TUR": "Thổ Nhĩ Kỳ",
    "UKR": "Ukraina",
    "BLR": "Belarus",
    "KAZ": "Kazakhstan",
    "IRL": "Ireland",
    "ISR": "Israel",
    "EGY": "Ai Cập",
    "ZAF": "Nam Phi",
    "BRA": "Brasil",
    "MEX": "Mexico",
    "ARG": "Argentina",
    "CUB": "Cuba",
    "NZL": "New Zealand",
    "MNG": "Mông Cổ",
    "BGD": "Bangladesh",
    "PAK": "Pakistan",
    "IRN": "Iran",
    "SAU": "Ả Rập Xê Út",
    "ARE": "Các Tiểu vương quốc Ả Rập Thống nhất",
    "NPL": "Nepal",
    "LKA": "Sri Lanka",
    "CPV": "Cabo Verde",
    "MKD": "Bắc Macedonia",
    "SWZ": "Eswatini",
    "BLM": "Saint Barthélemy",
}


@dataclass(frozen=True)
class Named:
    code: str
    name_vi: str
    name_en: str
    description_vi: str = ""
    description_en: str = ""


@cache
def countries() -> tuple[Named, ...]:
    """Every ISO 3166-1 country by alpha-3 code, sorted by Vietnamese name."""
    vi = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"], fallback=True)
    out = []
    for c in pycountry.countries:
        en = getattr(c, "common_name", None) or c.name
        out.append(Named(c.alpha_3, _VI_NAMES.get(c.alpha_3) or vi.gettext(c.name), en))
    return tuple(sorted(out, key=lambda n: (n.code != "VNM", _sort_key(n.name_vi))))


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d")).casefold()


@cache
def _countries_by_code() -> dict[str, Named]:
    return {c.code: c for c in countries()}


def country(code: str | None) -> Named | None:
    """The country of an ISO alpha-3 code (any case); None for an unknown code."""
    return _countries_by_code().get((code or "").upper())


def country_name(code: str | None, lang: str = "vi") -> str:
    """The country's name; an unknown code is returned as it is."""
    found = country(code)
    if found is None:
        return code or ""
    return found.name_en if lang == "en" else found.name_vi


# The keys are luutru_common.auth.Role's values; the console's shell (main.js, role.*) words
# them the same.
ROLES: tuple[Named, ...] = (
    Named("system_admin", "Quản trị hệ thống", "System administrator"),
    Named("police_admin", "Quản trị Công an", "Police administrator"),
    Named("police_officer", "Công an xã/phường", "Commune police"),
    Named("facility_manager", "Quản lý cơ sở", "Facility manager"),
    Named("facility_staff", "Nhân viên cơ sở", "Facility staff"),
    Named("department_analyst", "Cán bộ sở, ngành", "Department analyst"),
)


def role_name(code: str | None, lang: str = "vi") -> str:
    """The role's name in `lang`; an unknown code as it is."""
    for r in ROLES:
        if r.code == code:
            return r.name_en if lang == "en" else r.name_vi
    return code or ""


VISA_EXEMPT = "exempt"

# Ký hiệu thị thực (Luật 47/2014/QH13, sửa đổi 2019 và 2023, Điều 8). Free text is still
# accepted by the registration APIs: these are the codes the console offers.
VISA_TYPES: tuple[Named, ...] = (
    Named(
        VISA_EXEMPT,
        "Miễn thị thực",
        "Visa exemption",
        "Được miễn thị thực (đơn phương, song phương, thẻ tạm trú, thẻ thường trú)",
        "Visa-exempt (unilateral, bilateral, temporary or permanent residence card)",
    ),
    Named("EV", "Thị thực điện tử (EV)", "E-visa (EV)", "Thị thực điện tử", "Electronic visa"),
    Named("DL", "Du lịch (DL)", "Tourism (DL)", "Vào du lịch", "Tourist visit"),
    Named(
        "TT",
        "Thăm thân (TT)",
        "Family visit (TT)",
        "Thân nhân của người có thị thực LV, LĐ, ĐT, DH, PV, NN",
        "Family of a holder of an LV, LĐ, ĐT, DH, PV or NN visa",
    ),
    Named(
        "VR",
        "Thăm người thân (VR)",
        "Visiting relatives (VR)",
        "Thăm người thân hoặc mục đích khác",
        "Visiting relatives or other purposes",
    ),
    Named(
        "DN1",
        "Doanh nghiệp (DN1)",
        "Business (DN1)",
        "Làm việc với doanh nghiệp, tổ chức tại Việt Nam",
        "Working with a business or organisation in Vietnam",
    ),
    Named(
        "DN2",
        "Dịch vụ thương mại (DN2)",
        "Business services (DN2)",
        "Chào bán dịch vụ, lập hiện diện thương mại",
        "Offering services, commercial presence",
    ),
    Named(
        "LĐ1",
        "Lao động được miễn giấy phép (LĐ1)",
        "Work, permit-exempt (LĐ1)",
        "Lao động có xác nhận không thuộc diện cấp giấy phép lao động",
        "Work confirmed exempt from a work permit",
    ),
    Named(
        "LĐ2",
        "Lao động (LĐ2)",
        "Work (LĐ2)",
        "Lao động thuộc diện cấp giấy phép lao động",
        "Work requiring a work permit",
    ),
    Named(
        "ĐT1",
        "Đầu tư (ĐT1)",
        "Investment (ĐT1)",
        "Nhà đầu tư, vốn từ 100 tỷ đồng",
        "Investor, capital of 100 billion VND or more",
    ),
    Named(
        "ĐT2",
        "Đầu tư (ĐT2)",
        "Investment (ĐT2)",
        "Nhà đầu tư, vốn 50–100 tỷ đồng",
        "Investor, capital of 50–100 billion VND",
    ),
    Named(
        "ĐT3",
        "Đầu tư (ĐT3)",
        "Investment (ĐT3)",
        "Nhà đầu tư, vốn 3–50 tỷ đồng",
        "Investor, capital of 3–50 billion VND",
    ),
    Named(
        "ĐT4",
        "Đầu tư (ĐT4)",
        "Investment (ĐT4)",
        "Nhà đầu tư, vốn dưới 3 tỷ đồng",
        "Investor, capital under 3 billion VND",
    ),
    Named("DH", "Du học (DH)", "Study (DH)", "Học tập, thực tập", "Study or internship"),
    Named(
        "HN",
        "Hội nghị (HN)",
        "Conference (HN)",
        "Dự hội nghị, hội thảo",
        "Attending a conference or seminar",
    ),
    Named(
        "LV1",
        "Làm việc (LV1)",
        "Official work (LV1)",
        "Làm việc với cơ quan trung ương, tỉnh",
        "Working with central or provincial bodies",
    ),
    Named(
        "LV2",
        "Làm việc (LV2)",
        "Official work (LV2)",
        "Làm việc với tổ chức chính trị – xã hội",
        "Working with socio-political organisations",
    ),
    Named(
        "LS",
        "Luật sư (LS)",
        "Lawyer (LS)",
        "Luật sư nước ngoài hành nghề",
        "Foreign lawyer practising in Vietnam",
    ),
    Named(
        "NN1",
        "Tổ chức nước ngoài (NN1)",
        "Foreign organisation (NN1)",
        "Trưởng văn phòng dự án của tổ chức phi chính phủ",
        "Head of a non-governmental organisation's project office",
    ),
    Named(
        "NN2",
        "Tổ chức nước ngoài (NN2)",
        "Foreign organisation (NN2)",
        "Trưởng văn phòng đại diện, chi nhánh",
        "Head of a representative office or branch",
    ),
    Named(
        "NN3",
        "Tổ chức nước ngoài (NN3)",
        "Foreign organisation (NN3)",
        "Làm việc cho tổ chức phi chính phủ, văn phòng đại diện",
        "Working for an NGO or representative office",
    ),
    Named(
        "PV1",
        "Phóng viên (PV1)",
        "Journalist (PV1)",
        "Phóng viên thường trú",
        "Resident journalist",
    ),
    Named(
        "PV2",
        "Phóng viên (PV2)",
        "Journalist (PV2)",
        "Phóng viên hoạt động ngắn hạn",
        "Journalist on a short assignment",
    ),
    Named(
        "NG1",
        "Ngoại giao (NG1)",
        "Diplomatic (NG1)",
        "Khách mời cấp nhà nước",
        "Guest of the State",
    ),
    Named(
        "NG2",
        "Ngoại giao (NG2)",
        "Diplomatic (NG2)",
        "Khách mời cấp bộ, tỉnh",
        "Guest of a ministry or province",
    ),
    Named(
        "NG3",
        "Ngoại giao (NG3)",
        "Diplomatic (NG3)",
        "Thành viên cơ quan đại diện nước ngoài",
        "Member of a foreign mission",
    ),
    Named(
        "NG4",
        "Ngoại giao (NG4)",
        "Diplomatic (NG4)",
        "Làm việc với cơ quan đại diện nước ngoài",
        "Working with a foreign mission",
    ),
    Named(
        "SQ",
        "Thị thực tại cửa khẩu (SQ)",
        "Visa (SQ)",
        "Khảo sát thị trường, du lịch, thăm người thân, chữa bệnh",
        "Market survey, tourism, family visit or treatment",
    ),
)


def visa_name(code: str | None, lang: str = "vi") -> str:
    """The visa type's name; a free-text type is returned as it is."""
    for v in VISA_TYPES:
        if v.code.casefold() == (code or "").casefold():
            return v.name_en if lang == "en" else v.name_vi
    return code or ""
