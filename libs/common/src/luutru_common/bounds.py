"""Bounds every number, date and time a client sends is held to, so that nothing it sends can
overflow PostgreSQL's integers or Python's dates (year 1–9999) further down: each service's
schemas and query parameters use these types instead of a bare ``int``, ``date`` or
``datetime``.

A value out of bounds is a field error with a stable code — ``value-out-of-range`` for
numbers, ``date-out-of-range`` for dates and times — and a message in Vietnamese and English
(``"vi / en"``, which ``problems.validation_errors`` splits). The bounds appear in the OpenAPI
document: ``minimum``/``maximum`` for numbers, ``formatMinimum``/``formatMaximum`` for dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler, WrapValidator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2100, 12, 31)
_FIRST_MOMENT = datetime(1900, 1, 1)
_LAST_MOMENT = datetime(2100, 12, 31, 23, 59, 59, 999999)
# An aware time is bounded by its instant, with a day's slack each side: a naive time inside
# the years (read in any zone, UTC-14 to UTC+14) stays inside once made aware, so a value
# that passed once passes again after the services convert it to UTC and back.
_ZONE_SLACK = timedelta(days=1)

VALUE_OUT_OF_RANGE = "value-out-of-range"
DATE_OUT_OF_RANGE = "date-out-of-range"


class _JsonSchemaExtra:
    """Adds keywords to a type's JSON schema (and so to the OpenAPI document)."""

    def __init__(self, **extra: Any) -> None:
        self.extra = extra

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out.update(self.extra)
        return out


def _error(code: str, vi: str, en: str) -> PydanticCustomError:
    return PydanticCustomError(code, f"{vi} / {en}")


def bounded_int(low: int, high: int, *, vi: str, en: str) -> Any:
    """An integer from ``low`` to ``high``; ``vi``/``en`` name it in the error message."""

    def check(value: Any, handler: Any) -> int:
        result = handler(value)
        if not low <= result <= high:
            raise _error(
                VALUE_OUT_OF_RANGE,
                f"{vi} phải từ {low} đến {high}",
                f"{en} must be between {low} and {high}",
            )
        return result

    # The bounds go to the schema as keywords: the check is ours, for its code and message.
    return Annotated[int, WrapValidator(check), _JsonSchemaExtra(minimum=low, maximum=high)]


def _date_in_range(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise _error(
            DATE_OUT_OF_RANGE,
            f"Ngày phải từ {FIRST_DATE:%d/%m/%Y} đến {LAST_DATE:%d/%m/%Y}",
            f"Dates must be between {FIRST_DATE} and {LAST_DATE}",
        )
    return value


def moment_in_range(value: datetime) -> bool:
    """Whether a time lies within the years 1900–2100: a naive time by its wall clock, an
    aware one by its instant (give or take a day for the time zones)."""
    if FIRST_DATE.year < value.year < LAST_DATE.year:
        # Inside the years by its wall clock, and so by its instant in any zone (±14 h):
        # the answer for nearly every value, without building three more times.
        return True
    wall = value.replace(tzinfo=None)
    offset = value.utcoffset()
    if offset is None:
        return _FIRST_MOMENT <= wall <= _LAST_MOMENT
    if not _FIRST_MOMENT - _ZONE_SLACK <= wall <= _LAST_MOMENT + _ZONE_SLACK:
        return False  # checked first: converting a far-off time to UTC could overflow
    instant = value.astimezone(UTC).replace(tzinfo=None)
    return _FIRST_MOMENT - _ZONE_SLACK <= instant <= _LAST_MOMENT + _ZONE_SLACK


def _moment(value: datetime) -> datetime:
    if not moment_in_range(value):
        raise _error(
            DATE_OUT_OF_RANGE,
            f"Thời điểm phải trong các năm {FIRST_DATE.year}–{LAST_DATE.year}",
            f"Times must be within the years {FIRST_DATE.year}–{LAST_DATE.year}",
        )
    return value


BoundedDate = Annotated[
    date,
    AfterValidator(_date_in_range),
    _JsonSchemaExtra(formatMinimum=FIRST_DATE.isoformat(), formatMaximum=LAST_DATE.isoformat()),
]
"""A calendar date from 1900-01-01 to 2100-12-31 (birth, entry, check-out, report days)."""

Moment = Annotated[
    datetime,
    AfterValidator(_moment),
    _JsonSchemaExtra(
        formatMinimum=f"{FIRST_DATE.isoformat()}T00:00:00",
        formatMaximum=f"{LAST_DATE.isoformat()}T23:59:59",
    ),
]
"""A point in time within the years 1900–2100 (arrival, departure, check-out, audit)."""

# Administrative units (QĐ 19/2025/QĐ-TTg): 2-digit provinces, 5-digit communes (wards).
ProvinceCode = bounded_int(1, 99, vi="Mã tỉnh", en="A province code")
CommuneCode = bounded_int(1, 99_999, vi="Mã xã/phường", en="A commune code")
StarRating = bounded_int(1, 5, vi="Hạng sao", en="A star rating")

__all__ = [
    "DATE_OUT_OF_RANGE",
    "FIRST_DATE",
    "LAST_DATE",
    "VALUE_OUT_OF_RANGE",
    "BoundedDate",
    "CommuneCode",
    "Moment",
    "ProvinceCode",
    "StarRating",
    "bounded_int",
    "moment_in_range",
]
