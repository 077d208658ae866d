"""CSV and XLSX for people: `?lang=vi|en` gives the columns headers in that language and the
values as people write them — percentages, yes/no, dates as dd/mm/yyyy (vi), lateness in days
and hours, codes by their names. Without `lang` the files keep the JSON's column keys and
values (for programs)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from luutru_common.admin_units import commune_name
from luutru_common.facility_types import FACILITY_TYPES

Lang = Literal["vi", "en"]
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Column key → (Vietnamese, English).
HEADERS: dict[str, tuple[str, str]] = {
    "period_start": ("Từ ngày", "From"),
    "period_end": ("Đến ngày", "To"),
    "key": ("Nhóm", "Group"),
    "name": ("Tên", "Name"),  # the key's name (feeds/names.py)
    "arrivals": ("Lượt khách đến", "Arrivals"),
    "guest_nights": ("Ngày khách", "Guest-nights"),
    "nights": ("Ngày lưu trú", "Nights"),
    "departures": ("Lượt đi", "Departures"),
    "average_length_of_stay": ("Số đêm lưu trú bình quân", "Average length of stay (nights)"),
    "room_occupancy": ("Công suất phòng", "Room occupancy"),
    "bed_occupancy": ("Công suất giường", "Bed occupancy"),
    "capacity_source": ("Nguồn số phòng, giường", "Rooms and beds from"),
    "residents": ("Người đang ở", "Living there now"),
    "trips": ("Số chuyến", "Trips"),
    "seats": ("Số ghế", "Seats"),
    "passengers": ("Hành khách", "Passengers"),
    "load_factor": ("Hệ số sử dụng ghế", "Load factor"),
    "suppressed": ("Bị ẩn (dưới 5 người)", "Hidden (fewer than 5 people)"),
    "day": ("Ngày", "Day"),
    "facility_code": ("Mã cơ sở", "Facility code"),
    "facility_name": ("Cơ sở", "Facility"),
    "facility_type": ("Loại cơ sở", "Facility type"),
    "commune_code": ("Xã, phường", "Commune"),
    "guests_reported": ("Khách đã khai báo", "Guests reported"),
    "late_reports": ("Khai báo trễ hạn", "Reported late"),
    "minutes_late_total": ("Tổng thời gian trễ", "Total lateness"),
    "minutes_late_max": ("Trễ lâu nhất", "Longest lateness"),
    "fine_band": ("Khung phạt (NĐ 282/2025)", "Fine band (Decree 282/2025)"),
    "facility_days": ("Số cơ sở-ngày", "Facility-days"),
    "persons": ("Số người", "Persons"),
    "last_report_at": ("Khai báo gần nhất", "Last report"),
    "silent_days": ("Số ngày không khai báo", "Days without a report"),
}
# Not for people: the id of a facility (its code and name are there), the lower bound of the
# people behind a cell (used for suppression), and a commune's code next to its name.
HIDDEN = {"facility_id", "people", "commune_name"}
PERCENT = {"room_occupancy", "bed_occupancy", "load_factor"}
DECIMAL = {"average_length_of_stay"}
DURATION = {"minutes_late_total", "minutes_late_max"}
KEYS: dict[str, tuple[str, str]] = {
    "domestic": ("Trong nước", "Domestic"),
    "international": ("Quốc tế", "International"),
    "OTHER": ("Khác", "Other"),
    "unknown": ("Không rõ", "Unknown"),
    "male": ("Nam", "Male"),
    "female": ("Nữ", "Female"),
    "other": ("Khác", "Other"),
    "none": ("Không xếp hạng", "Not rated"),
}
# Where the available rooms and beds of the occupancy come from (feeds/tourism.py).
CAPACITY_SOURCES = {
    "registry": ("Danh sách phòng", "Room registry"),
    "declared": ("Số đã khai", "Declared counts"),
    "mixed": ("Danh sách phòng và số đã khai", "Registry and declared counts"),
}
TYPES = {t.code: (t.name_vi, t.name_en) for t in FACILITY_TYPES}
BANDS = {"1-3": ("1–3 người", "1–3 persons"), "4-8": ("4–8 người", "4–8 persons")}
BANDS["9+"] = ("Từ 9 người", "9 persons or more")
YES_NO = {True: ("có", "yes"), False: ("không", "no")}


def _i(lang: Lang) -> int:
    return 0 if lang == "vi" else 1


def header(column: str, lang: Lang) -> str:
    """The column's heading in the language (its key when it has none)."""
    return HEADERS[column][_i(lang)] if column in HEADERS else column


def columns_for_people(columns: list[str]) -> list[str]:
    """The columns people read: no ids, and a group by its `name` (transport, zones) in the
    place of its code when the feed gives one."""
    kept = [c for c in columns if c not in HIDDEN]
    if "name" in kept and "key" in kept:
        kept.remove("name")
        kept[kept.index("key")] = "name"
    return kept


def decimal(value: float, digits: int, lang: Lang) -> str:
    """The number with `digits` decimals and the language's decimal mark."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def percent(value: float, lang: Lang) -> str:
    """0.1529 → "15,3 %" (vi) / "15.3%" (en)."""
    text = decimal(value * 100, 1, lang)
    return f"{text} %" if lang == "vi" else f"{text}%"


def duration(minutes: int, lang: Lang) -> str:
    """Lateness as people say it: "2 ngày 1 giờ", "3 giờ 20 phút", "45 phút"; never a count of
    minutes in the thousands. Days are given with whole hours (minutes dropped)."""
    if minutes <= 0:
        return "0"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    vi = lang == "vi"

    def unit(n: int, one: str, many: str, vi_word: str) -> str:
        return f"{n} {vi_word}" if vi else f"{n} {one if n == 1 else many}"

    parts = []
    if days:
        parts.append(unit(days, "day", "days", "ngày"))
        if hours:
            parts.append(unit(hours, "hour", "hours", "giờ"))
    elif hours:
        parts.append(unit(hours, "hour", "hours", "giờ"))
        if mins:
            parts.append(unit(mins, "minute", "minutes", "phút"))
    else:
        parts.append(unit(mins, "minute", "minutes", "phút"))
    return " ".join(parts)


def when(value: date | datetime, lang: Lang) -> str:
    """A day or a moment (local time) as the language writes it: dd/mm/yyyy in Vietnamese."""
    if isinstance(value, datetime):
        local = value.astimezone(VN)
        return (
            local.strftime("%d/%m/%Y %H:%M") if lang == "vi" else local.strftime("%Y-%m-%d %H:%M")
        )
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def text_value(column: str, value: Any, lang: Lang, *, by: str | None = None) -> Any:
    """A cell as people write it (numbers stay numbers where they are plain counts)."""
    i = _i(lang)
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO[value][i]
    if column in PERCENT:
        return percent(value, lang)
    if column in DECIMAL:
        return decimal(value, 2, lang)
    if column in DURATION:
        return duration(int(value), lang)
    if column == "capacity_source":
        return CAPACITY_SOURCES.get(value, (value, value))[i]
    if column == "fine_band":
        return BANDS.get(value, (value, value))[i]
    if column == "facility_type" or (column == "key" and by == "facility_type"):
        return TYPES.get(value, (value, value))[i]
    if column == "commune_code" or (column == "key" and by == "commune"):
        return commune_name(int(value)) or str(value)
    if column == "key" and by == "star_rating" and value != "none":
        return f"{value} sao" if lang == "vi" else f"{value} stars"
    if column == "key" and isinstance(value, str):
        return KEYS.get(value, (value, value))[i]
    if column == "last_report_at" and isinstance(value, str):
        return when(datetime.fromisoformat(value), lang)
    if isinstance(value, date | datetime):
        return when(value, lang)
    return value
