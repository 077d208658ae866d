"""Pure pieces of analytics: period buckets, suppression, pseudonyms, province of origin."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from luutru_analytics.core.perturbation import KEY_SPACE, perturb, record_key
from luutru_analytics.feeds.repository import buckets
from luutru_analytics.feeds.suppression import suppress
from luutru_analytics.projections.attributes import guest_key, origin_province
from luutru_analytics.projections.stays import night_end
from luutru_common.events import GuestIdentity


def test_month_and_week_buckets_are_clipped_to_the_period():
    assert buckets(date(2026, 1, 20), date(2026, 3, 5), "month") == [
        (date(2026, 1, 20), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 5)),
    ]
    # 2026-11-25 is a Wednesday: its week ends on Sunday the 29th.
    assert buckets(date(2026, 11, 25), date(2026, 12, 2), "week") == [
        (date(2026, 11, 25), date(2026, 11, 29)),
        (date(2026, 11, 30), date(2026, 12, 2)),
    ]
    assert buckets(date(2026, 12, 30), date(2027, 1, 1), "day")[-1] == (
        date(2027, 1, 1),
        date(2027, 1, 1),
    )


def test_night_end_rules():
    arrival = date(2026, 5, 1)
    assert night_end(arrival, date(2026, 5, 3), date(2026, 5, 9)) == date(2026, 5, 3)
    assert night_end(arrival, None, date(2026, 5, 9)) == date(2026, 5, 9)
    assert night_end(arrival, None, None) == date(2026, 5, 2)  # one night
    assert night_end(arrival, arrival, None) == arrival  # same-day check-out: no night


def test_suppression_hides_small_cells():
    rows = [
        {"k": "a", "v": 2, "n": 2},
        {"k": "b", "v": 6, "n": 6},
        {"k": "d", "v": 0, "n": 0},
    ]
    suppress(rows, threshold=5, people="n", values=("v",))
    assert [(r["v"], r["suppressed"]) for r in rows] == [(None, True), (6, False), (0, False)]
    rows = [{"v": 2, "n": 2}]
    suppress(rows, threshold=0, people="n", values=("v",))
    assert rows == [{"v": 2, "suppressed": False}]


def test_record_key_is_24_bits_of_sha256_of_the_id():
    stay = uuid.UUID("0190f3a2-7c1e-7b3d-9a55-2f1c0d9e8b71")
    assert record_key(stay) == int(hashlib.sha256(stay.bytes).hexdigest()[:6], 16)
    assert 0 <= record_key(stay) < KEY_SPACE


def test_perturbation_rounds_to_a_multiple_of_the_base_by_the_cell_key():
    # A multiple of the base is published as it is, whatever the key.
    assert {perturb(55, k, 5) for k in (0, KEY_SPACE // 2, KEY_SPACE - 1)} == {55}
    # 57: up (to 60) when the key is in the lowest 2/5 of the key space, else down (to 55).
    assert perturb(57, 0, 5) == 60
    boundary = -(-KEY_SPACE * 2 // 5)  # the first key with key / 2^24 ≥ 2/5
    assert perturb(57, boundary - 1, 5) == 60
    assert perturb(57, boundary, 5) == 55
    assert perturb(57, KEY_SPACE + 1, 5) == 60  # the cell key is the sum modulo 2^24
    # Unbiased: over every key, the mean of the published value is the count.
    keys = range(0, KEY_SPACE, KEY_SPACE // 1000)
    for n in (1, 2, 3, 4, 57):
        mean = sum(perturb(n, k, 5) for k in keys) / len(keys)
        assert abs(mean - n) < 0.01
    assert perturb(3, 123, 0) == 3  # police: no threshold, no rounding


def person(**kw) -> GuestIdentity:
    base = {
        "full_name": "A",
        "date_of_birth": date(1990, 1, 1),
        "gender": "male",
        "nationality": "VNM",
        "country_of_residence": "VNM",
        "id_number": "075090001234",
    }
    return GuestIdentity(**{**base, **kw})


def test_guest_key_is_keyed_and_stable():
    a = guest_key("secret-one-0123456789", person())
    assert a == guest_key("secret-one-0123456789", person(full_name="B"))
    assert a != guest_key("secret-two-0123456789", person())
    assert "075090001234" not in a
    assert guest_key("s" * 16, person(id_number=None)) is None


def test_province_of_origin_from_the_id_number():
    assert origin_province(person()) == "075"
    assert origin_province(person(nationality="KOR", id_number=None, passport_number="M1")) is None
    assert origin_province(person(id_number="12345")) is None


def test_production_refuses_the_default_pseudonym_secret():
    import pytest
    from pydantic import ValidationError

    from luutru_analytics.settings import AnalyticsSettings

    db = "postgresql+asyncpg://luutru_analytics:Xk9-a-real-password@db/luutru"
    kafka_password = "Kf7-a-real-kafka-password"
    with pytest.raises(ValidationError, match="LUUTRU_PSEUDONYM_SECRET"):
        AnalyticsSettings(environment="prod", database_url=db, kafka_password=kafka_password)
    assert AnalyticsSettings(
        environment="prod",
        database_url=db,
        kafka_password=kafka_password,
        pseudonym_secret="x" * 32,
    ).pseudonym_secret
