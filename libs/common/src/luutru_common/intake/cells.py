"""Reading one cell as the field it is in: dates as Excel gives them or as people type them,
genders and countries in Vietnamese or English, identity numbers that Excel has mangled.

A converter returns the value or raises CellError with a stable code and a message that says
what to do. `date-format` is for a date that cannot be read; `date-invalid` for one that can be
read but does not exist (31/02).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any

import pycountry

from luutru_common.identity import name_match_key
from luutru_common.intake.vocabulary import header_key
from luutru_common.names import countries

# Excel's day 0 (its serial numbers count from here, with the 1900 leap-year bug built in).
EXCEL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 2958465  # 9999-12-31


class CellError(ValueError):
    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.vi = vi
        self.en = en


def _ascii_digits(text: str) -> bool:
    # str.isdigit() is also true of "²" and "٣", which int() then refuses or misreads.
    return text.isascii() and text.isdigit()


def _compatible(value: Any) -> str:
    """Text of a date, time or number cell with full-width and other compatibility forms
    folded ("２０２６" → "2026", "²" → "2"): what an Asian keyboard types is the same digit."""
    return unicodedata.normalize("NFKC", text(value))


def is_empty(value: Any) -> bool:
    """Whether a cell holds nothing: None or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


# Characters a cell can hold that no one sees: zero-width spaces and joiners, the word joiner,
# a stray byte-order mark, the soft hyphen — pasted in from web pages, chat apps and PDFs. Left
# in, a zero-width space before "075090001234" makes it not 12 digits and before "05/03/1990"
# not a date, and the operator, who sees neither, cannot tell why.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def text(value: Any) -> str:
    """A cell as a person reads it: whole numbers without '.0', dates as dd/mm/yyyy, Unicode NFC,
    spaces folded, invisible characters dropped, and the marks that tell Excel "this is text"
    taken off — Excel shows neither as part of the value: the apostrophe ('075090001234) and,
    in a CSV, the formula ="075090001234" that keeps a number's leading 0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.strftime("%d/%m/%Y %H:%M") if value.time() != time() else value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.strftime("%d/%m/%Y")
    shown = str(value)
    if not shown.isascii():
        shown = unicodedata.normalize("NFC", shown.translate(_INVISIBLE))
    shown = " ".join(shown.split())
    if shown.startswith('="') and shown.endswith('"') and shown.count('"') == 2:
        return shown[2:-1].strip()
    return shown[1:].lstrip() if shown.startswith("'") else shown


def _date_format() -> CellError:
    return CellError(
        "date-format",
        "Không đọc được ngày; ghi dd/mm/yyyy (ví dụ 05/01/1990) hoặc dùng ô ngày của Excel",
        "The date cannot be read; write dd/mm/yyyy (e.g. 05/01/1990) or use an Excel date cell",
    )


def _two_digit_year(shown: str) -> CellError:
    # "5/3/90": 1990 or 2090? For a child's birth or a passport's dates both can be right, so
    # the year is asked for, not guessed.
    return CellError(
        "date-format",
        f"Năm trong “{shown}” chỉ có 2 chữ số: ghi đủ 4 chữ số của năm (dd/mm/yyyy, ví dụ "
        "05/03/1990)",
        f"The year in “{shown}” has only 2 digits: write the year in full (dd/mm/yyyy, e.g. "
        "05/03/1990)",
    )


def _date_invalid(shown: str) -> CellError:
    return CellError(
        "date-invalid",
        f"Ngày {shown} không tồn tại (kiểm tra ngày và tháng)",
        f"The date {shown} does not exist (check the day and the month)",
    )


def _serial(number: float) -> date:
    if 1900 <= number <= 2100 and number == int(number):
        # A year alone ("Năm sinh: 1990") — far likelier than Excel's day 1990 (1905).
        raise CellError(
            "date-year-only",
            f"Chỉ có năm {int(number)}; cần đủ ngày/tháng/năm (dd/mm/yyyy)",
            f"Only the year {int(number)}; the full date is needed (dd/mm/yyyy)",
        )
    if not 1 <= number <= MAX_SERIAL:
        raise _date_invalid(text(number))
    return EXCEL_EPOCH + timedelta(days=int(number))


_NUMERIC_DATE = re.compile(r"^([0-9]{1,4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,4})$")
# "05 / 03 / 1990": spaces around the separators, as some typists leave them.
_SPACED_DATE = re.compile(r"^([0-9]{1,4})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,4})$")
# The way Vietnamese documents write a date: "ngày 5 tháng 3 năm 1990" (accents folded).
_VIETNAMESE_DATE = re.compile(
    r"^(?:ngay\s*)?([0-9]{1,2})\s*(?:thang\s*)([0-9]{1,2})\s*(?:nam\s*)([0-9]{2,4})$"
)


def _make(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _date_invalid(shown) from None


def parse_date(value: Any) -> date:
    """A date cell, an Excel serial, or text: dd/mm/yyyy (also - or .), yyyy-mm-dd, ddmmyyyy
    as on the chip-card QR, with or without a time after it."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _date_format()
    if isinstance(value, int | float):
        return _serial(value)
    if isinstance(value, str):
        # dd/mm/yyyy without a regular expression: most cells of a large upload are this.
        parts = value.split("/")
        if len(parts) == 3 and len(parts[2]) == 4 and all(_ascii_digits(p) for p in parts):
            return _make(int(parts[2]), int(parts[1]), int(parts[0]), value)
    shown = _compatible(value)
    if spaced := _SPACED_DATE.match(shown):
        a, sep, b, c = spaced.groups()
        shown = f"{a}{sep}{b}{sep}{c}"
    day_part = shown.split(" ", 1)[0].split("T", 1)[0]
    match = _NUMERIC_DATE.match(day_part)
    if match:
        a, b, c = match.groups()
        if len(a) == 4:  # yyyy-mm-dd
            return _make(int(a), int(b), int(c), day_part)
        if len(c) == 4:  # dd/mm/yyyy
            return _make(int(c), int(b), int(a), day_part)
        raise _two_digit_year(day_part)
    if (named := _month_named(shown)) is not None:
        return named
    if _ascii_digits(day_part):
        # A few digits are a serial only when they are the whole cell: the "5" of
        # "5 tháng 3 năm 1990" is not Excel's day 5 (4 January 1900).
        if len(day_part) <= 6 and day_part == shown:
            return _serial(int(day_part))
        if len(day_part) == 8:
            if day_part[:2] in ("19", "20") and int(day_part[4:6]) <= 12:
                return _make(int(day_part[:4]), int(day_part[4:6]), int(day_part[6:]), shown)
            return _make(int(day_part[4:]), int(day_part[2:4]), int(day_part[:2]), shown)
    raise _date_format()


# Hotel software exports written for English readers: "01-May-1990", "May 1, 1990".
_MONTH_NAMED = ("%d-%b-%Y", "%d %b %Y", "%d/%b/%Y", "%b %d %Y", "%d %B %Y", "%B %d %Y")


_MONTH_NAMED_SHORT_YEAR = tuple(f.replace("%Y", "%y") for f in _MONTH_NAMED)


def _month_named(shown: str) -> date | None:
    """A date whose month is a word: "01-May-1990", "May 1, 1990", "ngày 1 tháng 5 năm 1990";
    None when the text is no such date."""
    if not any(c.isalpha() for c in shown):
        return None
    folded = name_match_key(shown).lower()
    if vietnamese := _VIETNAMESE_DATE.match(folded):
        day, month, year = vietnamese.groups()
        if len(year) != 4:
            raise _two_digit_year(shown)
        return _make(int(year), int(month), int(day), shown)
    plain = " ".join(shown.replace(",", " ").split())
    for fmt in _MONTH_NAMED:
        try:
            return datetime.strptime(plain, fmt).date()
        except ValueError:
            continue
    for fmt in _MONTH_NAMED_SHORT_YEAR:  # "5-Mar-90": readable but for its century
        try:
            datetime.strptime(plain, fmt)
        except ValueError:
            continue
        raise _two_digit_year(shown)
    return None


_TIME = re.compile(
    r"^([0-9]{1,2})\s*[:hHgG]\s*([0-9]{1,2})?(?:\s*[:mM']\s*([0-9]{1,2}))?\s*([AaPp][Mm])?$"
)


def parse_time(value: Any) -> time:
    """14:30, 14h30, 14g30, 2:30 PM, a time cell, or a fraction of a day."""
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        seconds = round(value * 86400)
        return time(seconds // 3600, seconds % 3600 // 60)
    match = _TIME.match(_compatible(value))
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if match.group(4):
            hour = hour % 12 + (12 if match.group(4).lower() == "pm" else 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise CellError(
        "time-format",
        "Không đọc được giờ; ghi hh:mm (ví dụ 14:30)",
        "The time cannot be read; write hh:mm (e.g. 14:30)",
    )


def _typed_moment(value: str) -> datetime | None:
    """ "27/11/2026 14:00" read without regular expressions — what most arrival cells of a
    large upload hold (as text); None for anything else, which `parse_moment` reads in full
    (the same result for these)."""
    if not value.isascii() or "," in value:
        return None
    parts = value.split()
    if len(parts) != 2:
        return None
    day_part, time_part = parts
    day_month_year = day_part.split("/")
    hour_minute = time_part.split(":")
    if (
        len(day_month_year) != 3
        or len(hour_minute) != 2
        or not 1 <= len(day_month_year[0]) <= 2
        or not 1 <= len(day_month_year[1]) <= 2
        or len(day_month_year[2]) != 4
        or not 1 <= len(hour_minute[0]) <= 2
        or not 1 <= len(hour_minute[1]) <= 2
        or not all(p.isdigit() for p in (*day_month_year, *hour_minute))
    ):
        return None
    hour, minute = int(hour_minute[0]), int(hour_minute[1])
    if hour >= 24 or minute >= 60:
        return None
    day, month, year = (int(p) for p in day_month_year)
    return datetime.combine(_make(year, month, day, day_part), time(hour, minute))


def parse_moment(value: Any) -> datetime | date:
    """An arrival: a date with a time (datetime), or a day alone (date) when no time is given —
    the caller decides what time a day alone stands for."""
    if isinstance(value, str) and (typed := _typed_moment(value)) is not None:
        return typed
    if isinstance(value, datetime):
        return value if value.time() != time() else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _serial(value)
        fraction = value - int(value)
        if fraction <= 0:
            return day
        return datetime.combine(day, parse_time(fraction))
    shown = _compatible(value)
    if "T" in shown and _ascii_digits(shown[:4]):
        try:
            moment = datetime.fromisoformat(shown)
        except ValueError:
            pass
        else:
            return moment
    parts = shown.replace(",", " ").split()
    if len(parts) >= 2:
        # "27/11/2026 14:00" or "14:00 27/11/2026"
        for day_text, time_text in (
            (parts[0], " ".join(parts[1:])),
            (parts[-1], " ".join(parts[:-1])),
        ):
            named = _month_named(day_text) if "-" in day_text else None  # "27-Nov-2026"
            if (
                named is not None
                or _NUMERIC_DATE.match(day_text)
                or (_ascii_digits(day_text) and len(day_text) == 8)
            ):
                day = named or parse_date(day_text)
                try:
                    return datetime.combine(day, parse_time(time_text))
                except CellError:
                    continue
    return parse_date(shown)


@lru_cache(maxsize=4096)
def _cached_key(value: str) -> str:
    return header_key(value)


def _key(value: Any) -> str:
    # A sheet repeats the same few genders and countries thousands of times.
    return _cached_key(value) if isinstance(value, str) else header_key(value)


_GENDERS = {
    "nam": "male",
    "nam gioi": "male",
    "male": "male",
    "m": "male",
    "man": "male",
    "ong": "male",
    "mr": "male",
    "trai": "male",
    "nu": "female",
    "nu gioi": "female",
    "female": "female",
    "f": "female",
    "woman": "female",
    "ba": "female",
    "mrs": "female",
    "ms": "female",
    "gai": "female",
    "khac": "other",
    "other": "other",
    "x": "other",
}


def parse_gender(value: Any) -> str:
    """male, female or other from the words sheets use (Nam, Nữ, Ông, Bà, M, F…); a CellError
    otherwise."""
    found = _GENDERS.get(_key(value))
    if found is None:
        raise CellError(
            "gender-value",
            "Giới tính ghi Nam, Nữ hoặc Khác",
            "Gender is Nam, Nữ or Khác (Male, Female, Other)",
        )
    return found


# Country names as Vietnamese offices write them (ISO alpha-3 codes, English names and
# alpha-2 codes are read through pycountry).
_VIETNAMESE_COUNTRIES = {
    "viet nam": "VNM",
    "vn": "VNM",
    "vietnamese": "VNM",
    "trung quoc": "CHN",
    "tq": "CHN",
    "han quoc": "KOR",
    "dai han": "KOR",
    "korea": "KOR",
    "south korea": "KOR",
    "trieu tien": "PRK",
    "nhat ban": "JPN",
    "nhat": "JPN",
    "my": "USA",
    "hoa ky": "USA",
    "usa": "USA",
    "anh": "GBR",
    "vuong quoc anh": "GBR",
    "uk": "GBR",
    "phap": "FRA",
    "duc": "DEU",
    "nga": "RUS",
    "lien bang nga": "RUS",
    "russia": "RUS",
    "uc": "AUS",
    "australia": "AUS",
    "thai lan": "THA",
    "lao": "LAO",
    "laos": "LAO",
    "campuchia": "KHM",
    "cambodia": "KHM",
    "singapore": "SGP",
    "xinh ga po": "SGP",
    "malaysia": "MYS",
    "ma lai": "MYS",
    "indonesia": "IDN",
    "philippines": "PHL",
    "phi lip pin": "PHL",
    "an do": "IND",
    "dai loan": "TWN",
    "taiwan": "TWN",
    "hong kong": "HKG",
    "ma cao": "MAC",
    "canada": "CAN",
    "y": "ITA",
    "tay ban nha": "ESP",
    "bo dao nha": "PRT",
    "ha lan": "NLD",
    "bi": "BEL",
    "thuy si": "CHE",
    "thuy dien": "SWE",
    "na uy": "NOR",
    "dan mach": "DNK",
    "phan lan": "FIN",
    "ba lan": "POL",
    "sec": "CZE",
    "ao": "AUT",
    "hy lap": "GRC",
    "tho nhi ky": "TUR",
    "israel": "ISR",
    "ai cap": "EGY",
    "nam phi": "ZAF",
    "brazil": "BRA",
    "mexico": "MEX",
    "argentina": "ARG",
    "new zealand": "NZL",
    "myanmar": "MMR",
    "mien dien": "MMR",
    "mong co": "MNG",
    "bangladesh": "BGD",
    "pakistan": "PAK",
    "iran": "IRN",
    "ukraina": "UKR",
    "ukraine": "UKR",
    "belarus": "BLR",
    "kazakhstan": "KAZ",
    "a rap xe ut": "SAU",
    "uae": "ARE",
    "cuba": "CUB",
    "ireland": "IRL",
}


@cache
def _pycountry_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for named in countries():  # the names the console shows, read back
        keys.setdefault(header_key(named.name_vi), named.code)
    for c in pycountry.countries:
        for name in (
            c.alpha_3,
            c.alpha_2,
            c.name,
            getattr(c, "common_name", ""),
            getattr(c, "official_name", ""),
        ):
            if name:
                keys.setdefault(header_key(name), c.alpha_3)
    return keys


def country_code(value: Any) -> str | None:
    """ISO 3166-1 alpha-3 for a code or a name in Vietnamese or English; None when unknown
    (the caller keeps the text, and the registration rules say what is wrong with it)."""
    key = _key(value)
    if not key:
        return None
    if key in _VIETNAMESE_COUNTRIES:
        return _VIETNAMESE_COUNTRIES[key]
    return _pycountry_keys().get(key)


_SCIENTIFIC = re.compile(r"^[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+$")
_NUMBER_AS_DECIMAL = re.compile(r"^[0-9]{6,15}\.0{1,2}$")
MAX_DOCUMENT = 20  # longer is no identity document: said as its format, not as a length


def identity_number(value: Any) -> tuple[str, bool]:
    """The digits of an ID number as typed ("075 090 001 234", "075.090.001.234"), and whether
    a leading zero was put back: a 12-digit number that Excel stored as a number lost it (every
    province code of birth registration starts with 0)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise _excel_mangled()
        digits = str(int(value))
        if len(digits) == 11:
            return "0" + digits, True
        return digits, False
    shown = _compatible(value)
    if _SCIENTIFIC.match(shown):
        raise _excel_mangled()
    if _NUMBER_AS_DECIMAL.match(shown):
        # "75090001234.0": a number cell written out as a decimal (a CSV made by a script, a
        # PMS export). Its dot is no digit group's: read it as the number it is, or the ".0"
        # would become a last digit ("750900012340", twelve digits, someone else's number).
        whole = shown.partition(".")[0]
        return (whole, False) if whole.startswith("0") else identity_number(int(whole))
    if re.fullmatch(r"[0-9\s.\-]+", shown):
        shown = re.sub(r"[\s.\-]", "", shown)
    if len(shown) > MAX_DOCUMENT:
        raise CellError(
            "id-number-format",
            f"Số giấy tờ quá dài ({len(shown)} ký tự): số định danh gồm 12 chữ số, hộ chiếu "
            "5–20 chữ và số",
            f"The document number is too long ({len(shown)} characters): an ID number has "
            "12 digits, a passport 5–20 letters or digits",
        )
    return shown, False


def _excel_mangled() -> CellError:
    return CellError(
        "id-number-excel-format",
        "Excel đã đổi số định danh thành dạng số mũ (7,5E+10), mất chữ số; định dạng cột là "
        "Văn bản (Text) rồi nhập lại",
        "Excel turned the ID number into scientific notation (7.5E+10) and lost digits; "
        "format the column as Text and type it again",
    )


def digit_lookalikes(number: str) -> None:
    """Refuse an ID number typed with the letter O for the digit 0 ("O75090001234"): with the
    Os read as zeros it is a 12-digit personal ID, which no passport looks like — yet taken as
    it is, it would be kept as a passport number and never match the person. Not corrected
    silently: the operator checks the card and types it again."""
    compact = re.sub(r"[\s.\-]", "", number)  # as typed: "O75 090 001 234"
    zeros_as_letters = "O" in compact or "o" in compact
    if len(compact) == 12 and zeros_as_letters and not compact.strip("0123456789Oo"):
        raise CellError(
            "id-number-format",
            f"Số giấy tờ “{number}” có chữ O thay cho số 0: kiểm tra giấy tờ và gõ lại bằng chữ số",
            f"The document number “{number}” has the letter O for the digit 0: check the "
            "document and type it again in digits",
        )
