"""The reporting deadline (Luật Cư trú 2020 Art. 30, as amended from 1/7/2026).

Before 23:00 local time of the arrival day; arrivals at or after 23:00 are due before 08:00
the next day. Late records are accepted and carry how many minutes late they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DeadlineRule:
    timezone: ZoneInfo
    cutoff_hour: int = 23
    late_arrival_deadline_hour: int = 8

    def due_at(self, arrival: datetime) -> datetime:
        local = arrival.astimezone(self.timezone)
        if local.hour < self.cutoff_hour:
            due = datetime.combine(local.date(), time(self.cutoff_hour), self.timezone)
        else:
            next_day = local.date() + timedelta(days=1)
            due = datetime.combine(next_day, time(self.late_arrival_deadline_hour), self.timezone)
        return due

    def late_minutes(self, due: datetime, received: datetime) -> int:
        late = (received - due).total_seconds()
        return math.ceil(late / 60) if late > 0 else 0

    def local_date(self, moment: datetime):
        return moment.astimezone(self.timezone).date()
