"""Test data for the analytics tests: events made by hand and fed to the real consumer
runner (processed_events, handlers, real PostgreSQL) without going through Kafka."""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from aiokafka.structs import ConsumerRecord
from sqlalchemy import text

from luutru_analytics.models import processed_events
from luutru_analytics.projections.handlers import build_batch_handlers, build_handlers
from luutru_analytics.settings import AnalyticsSettings
from luutru_common import backfill
from luutru_common.consumer import ConsumerRunner
from luutru_common.events import (
    Envelope,
    Event,
    FacilityRegistered,
    GuestCheckedIn,
    GuestIdentity,
    new_envelope,
)
from luutru_common.kafka_access import KafkaAccess

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_offsets = count()


# Past the codes of the real communes (at most 32248) and inside the 5 digits a commune code
# has (luutru_common.bounds.CommuneCode): one after another, so no two tests share one.
_communes = count(random.randrange(40_000, 90_000))


def unique_commune() -> int:
    """A commune code of the test's own, so counts of other tests cannot mix in."""
    return next(_communes)


def unique_day() -> date:
    return date(2001, 1, 1) + timedelta(days=random.randrange(8000))


# Births before 1950 (no other test's guest is born that early) and 12-digit documents starting
# 0, one after another: a watchlist entry made of them matches only its own test's guests,
# whatever ran before.
_rare = count(random.randrange(10_000))


def rare_birthday() -> date:
    """A date of birth no other test uses, so entries here match only this test's guests."""
    return date(1900, 1, 1) + timedelta(days=next(_rare) % 18_000)


def rare_document() -> str:
    """A document number no other test uses."""
    return f"0{next(_rare) * 7_919_113 % 10**11:011d}"


def facility(
    *,
    commune: int,
    facility_type: str = "hotel",
    rooms: int | None = 10,
    beds: int | None = 20,
    star_rating: int | None = None,
    zone: str | None = None,
    status: str = "active",
    name: str = "Cơ sở thử",
    facility_id: uuid.UUID | None = None,
    cls=FacilityRegistered,
) -> Event:
    fid = facility_id or uuid.uuid4()
    return cls(
        facility_id=fid,
        code=f"75-{fid.hex[:6]}",
        name=name,
        facility_type=facility_type,
        star_rating=star_rating,
        province_code=75,
        commune_code=commune,
        zone=zone,
        rooms=rooms,
        beds=beds,
        status=status,
    )


def guest(
    *,
    name: str = "Nguyễn Văn An",
    born: date = date(1990, 5, 1),
    gender: str = "male",
    id_number: str | None = None,
    passport: str | None = None,
    nationality: str = "VNM",
    residence: str | None = None,
) -> GuestIdentity:
    if id_number is None and passport is None:
        id_number = f"075{random.randrange(10**9):09d}"
    return GuestIdentity(
        full_name=name,
        date_of_birth=born,
        gender=gender,
        id_number=id_number,
        passport_number=passport,
        nationality=nationality,
        country_of_residence=residence or nationality,
    )


def check_in(
    fac: Event,
    day: date,
    *,
    nights: int | None = None,
    room: str | None = None,
    who: GuestIdentity | None = None,
    late_minutes: int = 0,
    at: time = time(14, 0),
    stay_id: uuid.UUID | None = None,
    version: int = 1,
    cls=GuestCheckedIn,
) -> GuestCheckedIn:
    """A stay as ingest sends it: no facility context (analytics has its own, from
    facility.v1)."""
    arrived = datetime.combine(day, at, VN)
    return cls(
        stay_id=stay_id or uuid.uuid4(),
        facility_id=fac.facility_id,
        guest=who or guest(),
        room=room,
        check_in_at=arrived,
        expected_check_out=day + timedelta(days=nights) if nights is not None else None,
        received_at=arrived + timedelta(minutes=late_minutes),
        due_at=arrived,
        late_minutes=late_minutes,
        version=version,
    )


def envelope(event: Event, *, occurred_at: datetime | None = None) -> Envelope:
    env = new_envelope(event, producer="test")
    if occurred_at is not None:
        env = env.model_copy(update={"occurred_at": occurred_at})
    return env


def record(env: Envelope) -> ConsumerRecord:
    value = env.model_dump_json().encode()
    return ConsumerRecord(
        topic="test",
        partition=0,
        offset=next(_offsets),
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value),
        headers=[],
    )


class Feeder:
    """The analytics consumer's handlers behind the real runner, fed by hand."""

    def __init__(self, session_factory, settings: AnalyticsSettings, group: str) -> None:
        self.runner = ConsumerRunner(
            topics=["test"],
            group_id=group,
            kafka=KafkaAccess("unused:9092"),
            session_factory=session_factory,
            processed_events=processed_events,
            handlers=build_handlers(settings),
            batch_handlers=build_batch_handlers(settings),
        )

    async def send(self, *items: Event | Envelope) -> list[Envelope]:
        envs = [i if isinstance(i, Envelope) else envelope(i) for i in items]
        await self.runner.process([record(e) for e in envs])
        return envs


def now_utc() -> datetime:
    return datetime.now(UTC)


def published(stays: list[GuestCheckedIn], *, base: int = 5) -> int:
    """How many arrivals these stays show to an analyst, by the rounding rule of
    docs/analytics.md worked out here on its own: each stay's key is the first 24 bits of
    SHA-256 of its id; the cell key is their sum modulo 2^24; a count that is not a multiple
    of the base goes up when cell key / 2^24 < remainder / base, else down."""
    n = len(stays)
    key = sum(int(hashlib.sha256(s.stay_id.bytes).hexdigest()[:6], 16) for s in stays)
    rest = n % base
    if rest == 0:
        return n
    return n - rest + (base if (key % 2**24) / 2**24 < rest / base else 0)


async def backfill_cut_then_resumed(session_factory, job, table: str, stored_sql: str, window):
    """A rollup backfill (`job`, into `table`) cut after two batches of three days, as a Job
    killed at its deadline, then run again to the end — all rolled back. Returns the rows
    `stored_sql` reads before (what the stay handlers kept) and after, how many days the
    first run did, and how many days there were (the area rollup's)."""
    async with session_factory() as session:
        kept = (await session.execute(text(stored_sql), window)).all()
        await session.execute(text(f"TRUNCATE analytics.{table}"))

        def cut_then_resumed(s) -> tuple[int, int]:
            first = backfill.run(s.connection(), job, batch_rows=3, max_batches=2)
            return first, backfill.run(s.connection(), job, batch_rows=3)

        first, rest = await session.run_sync(cut_then_resumed)
        days = await session.scalar(
            text("SELECT count(DISTINCT day) FROM analytics.stay_daily_area")
        )
        backfilled = (await session.execute(text(stored_sql), window)).all()
        await session.rollback()
    return kept, backfilled, first, first + rest, days
