"""Query filters shared by the feeds, validated into problem+json errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import Depends, Query

from luutru_common.bounds import BoundedDate, CommuneCode, StarRating
from luutru_common.facility_types import FACILITY_TYPE_CODES
from luutru_common.problems import Problem, field_error

Granularity = Literal["day", "week", "month"]
LANG_DESCRIPTION = (
    "CSV/XLSX cho người đọc: tiêu đề cột bằng tiếng Việt (vi) hoặc tiếng Anh (en), tỷ lệ "
    "phần trăm, có/không, ngày dd/mm/yyyy, thời gian trễ theo ngày và giờ, tên thay mã; "
    "không có: khóa cột và giá trị như JSON (cho chương trình). / CSV/XLSX for people: "
    "headers in Vietnamese or English, percentages, yes/no, dates, lateness in days and "
    "hours, names for codes; without it the JSON's column keys and values (for programs)."
)
MAX_DAYS = 3 * 366
# Dates are bounded (1900–2100, luutru_common.bounds): far enough apart for any real question,
# and the previous period (compared against) and week/month bucketing stay inside what
# Python's date can hold.


@dataclass(frozen=True)
class FeedFilters:
    date_from: date
    date_to: date
    granularity: Granularity
    communes: tuple[int, ...]
    facility_types: tuple[str, ...]
    star_ratings: tuple[int, ...]

    @property
    def days(self) -> int:
        """Days of the period, both ends included."""
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> FeedFilters:
        """The period of the same length just before this one."""
        return FeedFilters(
            self.date_from - timedelta(days=self.days),
            self.date_from - timedelta(days=1),
            self.granularity,
            self.communes,
            self.facility_types,
            self.star_ratings,
        )


def feed_filters(
    date_from: Annotated[BoundedDate, Query(description="Từ ngày / From (inclusive)")],
    date_to: Annotated[BoundedDate, Query(description="Đến ngày / To (inclusive)")],
    granularity: Annotated[
        Granularity, Query(description="Gộp theo ngày, tuần, tháng / Day, week or month")
    ] = "day",
    commune: Annotated[
        list[CommuneCode] | None,
        Query(description="Mã xã/phường (lặp lại được) / Commune code(s)"),
    ] = None,
    facility_type: Annotated[
        list[str] | None, Query(description="Loại cơ sở (lặp lại được) / Facility type(s)")
    ] = None,
    star_rating: Annotated[
        list[StarRating] | None, Query(description="Hạng sao (lặp lại được) / Star rating(s)")
    ] = None,
    format: Annotated[
        Literal["json", "csv", "xlsx"] | None,
        Query(description="json | csv | xlsx (hoặc header Accept / or the Accept header)"),
    ] = None,
    lang: Annotated[
        Literal["vi", "en"] | None,
        Query(description=LANG_DESCRIPTION),
    ] = None,
) -> FeedFilters:
    """Dependency: the feed filters of the query string, checked together (422 naming each
    bad parameter)."""
    errors = []
    if date_to < date_from:
        errors.append(
            field_error(
                "/query:date_to",
                "date-range",
                "Đến ngày phải sau từ ngày",
                "date_to must not be before date_from",
            )
        )
    elif (date_to - date_from).days >= MAX_DAYS:
        errors.append(
            field_error(
                "/query:date_to",
                "date-range-too-long",
                "Khoảng thời gian tối đa 3 năm",
                "The period may be at most 3 years",
            )
        )
    for i, t in enumerate(facility_type or ()):
        if t not in FACILITY_TYPE_CODES:
            errors.append(
                field_error(
                    f"/query:facility_type/{i}",
                    "unknown-facility-type",
                    "Loại cơ sở không tồn tại",
                    f"Unknown facility type {t!r}",
                )
            )
    if errors:
        raise Problem.invalid("Invalid query", errors)
    return FeedFilters(
        date_from,
        date_to,
        granularity,
        tuple(commune or ()),
        tuple(facility_type or ()),
        tuple(star_rating or ()),
    )


FiltersDep = Annotated[FeedFilters, Depends(feed_filters)]
