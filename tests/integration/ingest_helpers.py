"""Test data for the ingest tests: a guest, a coach trip, an upload sheet and the headers of a
facility's people. Every document number and departure is one no other test of the run has,
so a retry is only ever a retry of the test's own data."""

from __future__ import annotations

import csv
import io
import random
from itertools import count

from tests.support import TestSigner, bearer

# One after another from a random start: unique within a run, different between runs.
_serials = count(random.randrange(10**6))
_departures = count(random.randrange(16 * 60))


def id_number(year: int = 1990, female: bool = False) -> str:
    """A citizen ID (CCCD) of a person born in `year`: province 075, the century-and-gender
    digit, the year's last two digits, then a serial no other guest of this run has."""
    century = (year // 100 - 19) * 2 + (1 if female else 0)
    return f"075{century}{year % 100:02d}{next(_serials) % 10**6:06d}"


def guest(**change) -> dict:
    """A check-in of a Vietnamese guest, valid as it is."""
    return {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1990-05-01",
        "gender": "male",
        "id_number": id_number(),
        "check_in_at": "2026-11-27T14:00:00+07:00",
        "room": "101",
        **change,
    }


def passenger(seat: str, **change) -> dict:
    return {
        "full_name": "Trần Văn Bình",
        "date_of_birth": "1988-02-03",
        "gender": "male",
        "id_number": id_number(1988),
        "seat": seat,
        "boarding_point": "Bến xe Đồng Nai",
        "alighting_point": "Bến xe Miền Đông",
        **change,
    }


def departure() -> str:
    """A departure time on 27 November 2026 that no other trip of this run has (between 06:00
    and 22:00), so two trips of one coach are never the same trip resubmitted."""
    minute = next(_departures) % (16 * 60)
    return f"2026-11-27T{6 + minute // 60:02d}:{minute % 60:02d}:00+07:00"


def trip(**change) -> dict:
    """A coach manifest with a driver and two passengers, valid as it is."""
    return {
        "plate": "60B-123.45",
        "origin_province": 75,
        "destination_province": 79,
        "departure_at": departure(),
        "seats": 3,
        "crew": [{"full_name": "Lê Văn Tài", "role": "driver", "id_number": "075080001111"}],
        "passengers": [passenger("A1"), passenger("A2")],
        **change,
    }


SHEET_HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Ngày đến",
    "Phòng",
    "Ghi chú",
]


def rows(n: int = 6) -> list[list]:
    """A guest sheet as a facility fills it: a header and `n` guests, of whom row 3 has a bad
    ID and row 5 a date that does not exist and a formula in a free column."""
    out = [SHEET_HEADER]
    for i in range(n):
        out.append(
            [
                f"Nguyễn Thị Hằng {i}",
                "01/05/1990",
                "Nữ",
                id_number(1990, female=True),
                "27/11/2026 14:00",
                str(100 + i),
                "",
            ]
        )
    out[2][3] = "12AB"
    out[4][1] = "31/02/1990"
    out[4][6] = '=HYPERLINK("http://x")'
    return out


def as_csv(table) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue()


def staff(signer: TestSigner, facility_id, **claims) -> dict[str, str]:
    """Headers of a facility's staff member (or, with client=True and a scope, its PMS)."""
    return bearer(signer.token(role="facility_staff", facility_id=facility_id, **claims))


def manager(signer: TestSigner, facility_id) -> dict[str, str]:
    """Headers of a facility's manager (a coach operator's too)."""
    return bearer(signer.token(role="facility_manager", facility_id=facility_id))
