from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from luutru_ingest.deadline import DeadlineRule

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RULE = DeadlineRule(timezone=VN)


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        ("2026-11-27T00:05", "2026-11-27T23:00"),
        ("2026-11-27T14:00", "2026-11-27T23:00"),
        ("2026-11-27T22:59", "2026-11-27T23:00"),
        ("2026-11-27T23:00", "2026-11-28T08:00"),  # from 23:00: due before 08:00 next day
        ("2026-11-27T23:45", "2026-11-28T08:00"),
        ("2026-12-31T23:30", "2027-01-01T08:00"),  # across the year end
    ],
)
def test_due_at(arrival, due):
    got = RULE.due_at(datetime.fromisoformat(arrival).replace(tzinfo=VN))
    assert got == datetime.fromisoformat(due).replace(tzinfo=VN)


def test_arrival_given_in_utc_uses_vietnam_day():
    # 17:30 UTC is 00:30 the next day in Vietnam.
    got = RULE.due_at(datetime(2026, 11, 27, 17, 30, tzinfo=UTC))
    assert got == datetime(2026, 11, 28, 23, 0, tzinfo=VN)


def test_late_minutes_round_up_and_never_negative():
    due = datetime(2026, 11, 27, 23, 0, tzinfo=VN)
    assert RULE.late_minutes(due, datetime(2026, 11, 27, 22, 0, tzinfo=VN)) == 0
    assert RULE.late_minutes(due, due) == 0
    assert RULE.late_minutes(due, datetime(2026, 11, 27, 23, 0, 1, tzinfo=VN)) == 1
    assert RULE.late_minutes(due, datetime(2026, 11, 28, 1, 30, tzinfo=VN)) == 150
