"""The projections tolerate duplicates and reordering, and a rebuild from offset zero gives
the same result as the live consumer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from luutru_analytics.app import create_app
from luutru_analytics.rebuild import TOPICS, rebuild
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.consumer import ensure_topics
from luutru_common.events import (
    FacilityUpdated,
    GuestCheckedOut,
    Passenger,
    StayCorrected,
    StayVoided,
    TripManifestSubmitted,
    TripPassengersChanged,
)
from tests.integration.analytics_helpers import (
    VN,
    check_in,
    envelope,
    facility,
    guest,
    unique_commune,
    unique_day,
)
from tests.integration.kafka_helpers import eventually
from tests.support import KAFKA, running_app


async def fact(db, stay_id):
    async with db.connect() as conn:
        return (
            (
                await conn.execute(
                    text("SELECT * FROM analytics.stay_facts WHERE stay_id = :s"), {"s": stay_id}
                )
            )
            .mappings()
            .one_or_none()
        )


async def test_same_event_twice_or_resent_counts_once(feeder, db):
    c, d = unique_commune(), unique_day()
    h = facility(commune=c)
    stay = check_in(h, d, nights=2)
    env = envelope(stay)
    await feeder.send(h, env, env)  # one delivery twice (same event id)
    await feeder.send(stay)  # the producer re-sent it (new event id)
    async with db.connect() as conn:
        n = await conn.scalar(
            text("SELECT count(*) FROM analytics.stay_facts WHERE facility_id = :f"),
            {"f": h.facility_id},
        )
        records = await conn.scalar(
            text("SELECT count(*) FROM analytics.guest_records WHERE stay_id = :s"),
            {"s": stay.stay_id},
        )
    assert (n, records) == (1, 1)


async def test_check_out_before_check_in(feeder, db):
    c, d = unique_commune(), unique_day()
    h = facility(commune=c)
    stay = check_in(h, d, nights=5)
    out = GuestCheckedOut(
        stay_id=stay.stay_id,
        facility_id=h.facility_id,
        check_out_at=datetime.combine(d + timedelta(days=2), time(10), VN),
    )
    await feeder.send(h, out, stay)
    row = await fact(db, stay.stay_id)
    # The check-out (d+2) wins over the expected d+5: two nights.
    assert (row["check_out_date"], row["night_end"]) == (
        d + timedelta(days=2),
        d + timedelta(days=2),
    )


async def test_older_correction_after_newer_changes_nothing(feeder, db):
    c, d = unique_commune(), unique_day()
    h = facility(commune=c)
    v1 = check_in(h, d, nights=1, room="101")
    v3 = check_in(h, d, nights=4, room="305", stay_id=v1.stay_id, version=3, cls=StayCorrected)
    v2 = check_in(h, d, nights=2, room="202", stay_id=v1.stay_id, version=2, cls=StayCorrected)
    await feeder.send(h, v3, v1, v2)
    row = await fact(db, v1.stay_id)
    assert (row["version"], row["room"], row["night_end"]) == (3, "305", d + timedelta(days=4))


async def test_void_before_check_in_and_correction_after_void(feeder, db):
    c, d = unique_commune(), unique_day()
    h = facility(commune=c)
    stay = check_in(h, d, nights=1)
    voided = StayVoided(stay_id=stay.stay_id, facility_id=h.facility_id, reason="nhầm")
    corrected = check_in(h, d, nights=3, stay_id=stay.stay_id, version=2, cls=StayCorrected)
    await feeder.send(h, voided, stay, corrected)
    row = await fact(db, stay.stay_id)
    assert (row["voided"], row["version"]) == (True, 2)


async def test_older_facility_event_after_newer(feeder, db):
    c = unique_commune()
    h = facility(commune=c, rooms=10)
    newer = facility(commune=c, rooms=12, facility_id=h.facility_id, cls=FacilityUpdated)
    now = datetime.now(UTC)
    await feeder.send(
        envelope(newer, occurred_at=now), envelope(h, occurred_at=now - timedelta(hours=1))
    )
    async with db.connect() as conn:
        rooms = await conn.scalar(
            text("SELECT rooms FROM analytics.facilities WHERE facility_id = :f"),
            {"f": h.facility_id},
        )
    assert rooms == 12


async def test_passenger_removed_before_manifest_stays_removed(feeder, db):
    c, d = unique_commune(), unique_day()
    op = facility(commune=c, facility_type="coach", rooms=None, beds=None)
    p = Passenger(passenger_id=uuid.uuid4(), guest=guest())
    trip = TripManifestSubmitted(
        trip_id=uuid.uuid4(),
        operator_id=op.facility_id,
        province_code=75,
        commune_code=c,
        plate="60B-1",
        origin_province=75,
        destination_province=79,
        departure_at=datetime.combine(d, time(8), VN),
        seats=10,
        passengers=[p],
        received_at=datetime.combine(d, time(7), VN),
    )
    removed = TripPassengersChanged(
        trip_id=trip.trip_id, operator_id=op.facility_id, removed=[p.passenger_id]
    )
    await feeder.send(op, removed, trip)
    async with db.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT status, age_band FROM analytics.trip_passengers WHERE passenger_id = :p"
                ),
                {"p": p.passenger_id},
            )
        ).one()
    assert row.status == "removed" and row.age_band is not None


SNAPSHOT = """
SELECT s.stay_id, s.check_in_date, s.night_end, s.check_out_date, s.voided, s.version, s.room,
       s.guest_key, s.age_band, g.full_name, g.departed_at, g.voided AS record_voided
FROM analytics.stay_facts s JOIN analytics.guest_records g ON g.record_id = s.stay_id
WHERE s.facility_id = :f ORDER BY s.stay_id"""


DAILY = """
SELECT day, arrivals, nights, departures, occupied_rooms FROM analytics.stay_daily
WHERE facility_id = :f AND (arrivals <> 0 OR nights <> 0 OR departures <> 0) ORDER BY day"""


async def test_rebuild_from_offset_zero_gives_the_same_result(service_env, db, group_prefix):
    """Events go through real Kafka, out of order and duplicated; the live consumer projects
    them; `rebuild` truncates and replays every topic from zero; the rows are the same."""
    c, d = unique_commune(), unique_day()
    h = facility(commune=c)
    s1, s2, s3 = check_in(h, d, nights=3), check_in(h, d, nights=1), check_in(h, d, nights=2)
    events = [
        envelope(h),
        envelope(
            GuestCheckedOut(
                stay_id=s1.stay_id,
                facility_id=h.facility_id,
                check_out_at=datetime.combine(d + timedelta(days=1), time(9), VN),
            )
        ),
        envelope(s1),
        envelope(
            check_in(h, d, nights=4, room="9", stay_id=s2.stay_id, version=2, cls=StayCorrected)
        ),
        envelope(s2),
        envelope(s3),
        envelope(StayVoided(stay_id=s3.stay_id, facility_id=h.facility_id, reason="test")),
    ]
    events.append(events[2])  # a duplicate delivery
    # Topics of the test's own (source_topic_prefix), so the replay reads only its events.
    prefix = f"{group_prefix}"
    await ensure_topics(KAFKA, [f"{prefix}{t}" for t in TOPICS], partitions=2)
    producer = AIOKafkaProducer(**KAFKA.client_options(), enable_idempotence=True)
    await producer.start()
    try:
        for env in events:
            topic = "facility.v1" if env.event_type.startswith("Facility") else "stay.v1"
            topic = prefix + topic
            await producer.send_and_wait(
                topic, env.model_dump_json().encode(), key=str(h.facility_id).encode()
            )
    finally:
        await producer.stop()

    settings = AnalyticsSettings(**service_env, source_topic_prefix=prefix)
    app = create_app(settings)
    async with running_app(app):

        async def projected():
            async with db.connect() as conn:
                return await conn.scalar(
                    text(
                        "SELECT count(*) = 3 FROM analytics.stay_facts WHERE facility_id = :f "
                        "AND (stay_id <> :s2 OR version = 2) AND (stay_id <> :s3 OR voided)"
                    ),
                    {"f": h.facility_id, "s2": s2.stay_id, "s3": s3.stay_id},
                )

        await eventually(projected, timeout=60)
    async with db.connect() as conn:
        before = (await conn.execute(text(SNAPSHOT), {"f": h.facility_id})).all()
        daily_before = (await conn.execute(text(DAILY), {"f": h.facility_id})).all()
    # s1: checked out d+1 (before its check-in arrived); s2: the v2 correction (room 9, 4
    # nights) kept although v1 came later; s3 voided.
    by_id = {r.stay_id: r for r in before}
    assert by_id[s1.stay_id].night_end == d + timedelta(days=1)
    assert (by_id[s2.stay_id].room, by_id[s2.stay_id].night_end) == ("9", d + timedelta(days=4))
    assert by_id[s3.stay_id].voided and by_id[s3.stay_id].record_voided

    replayed = await rebuild(settings)
    assert replayed == len(events)
    async with db.connect() as conn:
        after = (await conn.execute(text(SNAPSHOT), {"f": h.facility_id})).all()
        daily_after = (await conn.execute(text(DAILY), {"f": h.facility_id})).all()
        facility_rows = await conn.scalar(
            text("SELECT count(*) FROM analytics.facilities WHERE facility_id = :f"),
            {"f": h.facility_id},
        )
    assert after == before
    assert daily_after == daily_before
    # The daily rollup agrees with the stays: s1 (d, 1 night, left d+1) and s2 v2 (d, 4
    # nights in room 9); s3 voided. Arrivals d: 2; nights d: 2, d+1..d+3: 1; departure d+1.
    assert [(r.day - d).days for r in daily_after if r.nights] == [0, 1, 2, 3]
    assert [(r.arrivals, r.nights, r.departures) for r in daily_after][:2] == [(2, 2, 0), (0, 1, 1)]
    assert facility_rows == 1


async def test_stays_take_their_facility_context_from_the_registry(feeder, db):
    """Stay events carry no facility context (or, from older producers, one analytics does
    not read): the type, commune, province and star rating a stay's counts are filed under
    are the registry's, from facility.v1."""
    c, d = unique_commune(), unique_day()
    hotel = facility(commune=c, star_rating=4)
    bare = check_in(hotel, d, nights=1)
    assert (bare.facility_type, bare.commune_code, bare.star_rating) == (None, None, None)
    # An old producer's copy that disagrees with the registry is not believed.
    stale = check_in(hotel, d, nights=1).model_copy(
        update={"facility_type": "motel", "province_code": 1, "commune_code": 1, "star_rating": 1}
    )
    await feeder.send(hotel, bare, stale)
    for stay in (bare, stale):
        row = await fact(db, stay.stay_id)
        assert (row["facility_type"], row["province_code"], row["commune_code"]) == (
            "hotel",
            75,
            c,
        )
        assert row["star_rating"] == 4
    async with db.connect() as conn:
        area = await conn.scalar(
            text(
                "SELECT sum(arrivals) FROM analytics.stay_daily_area "
                "WHERE commune_code = :c AND day = :d AND facility_type = 'hotel' "
                "AND star_rating = 4"
            ),
            {"c": c, "d": d},
        )
        record_commune = await conn.scalar(
            text("SELECT commune_code FROM analytics.guest_records WHERE stay_id = :s"),
            {"s": stale.stay_id},
        )
    assert (area, record_commune) == (2, c)


async def test_a_stay_seen_before_its_facility_waits_for_it(feeder, db):
    """facility.v1 and stay.v1 are read in no fixed order: a stay (and its correction and
    check-out) seen first is projected, newest version, when the facility comes."""
    c, d = unique_commune(), unique_day()
    hotel = facility(commune=c, star_rating=3)
    v1 = check_in(hotel, d, nights=1, room="101")
    v2 = check_in(hotel, d, nights=3, room="102", stay_id=v1.stay_id, version=2, cls=StayCorrected)
    out = GuestCheckedOut(
        stay_id=v1.stay_id,
        facility_id=hotel.facility_id,
        check_out_at=datetime.combine(d + timedelta(days=2), time(10), VN),
    )
    await feeder.send(v2, v1, out)
    assert await fact(db, v1.stay_id) is None
    await feeder.send(hotel)
    row = await fact(db, v1.stay_id)
    assert (row["version"], row["room"], row["commune_code"], row["star_rating"]) == (
        2,
        "102",
        c,
        3,
    )
    assert (row["check_out_date"], row["night_end"]) == (d + timedelta(days=2),) * 2
    async with db.connect() as conn:
        nights = await conn.scalar(
            text("SELECT sum(nights) FROM analytics.stay_daily WHERE facility_id = :f"),
            {"f": hotel.facility_id},
        )
        waiting = await conn.scalar(
            text("SELECT count(*) FROM analytics.stays_awaiting_facility WHERE stay_id = :s"),
            {"s": v1.stay_id},
        )
    assert (nights, waiting) == (2, 0)
