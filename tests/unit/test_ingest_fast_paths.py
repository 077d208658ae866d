"""The batch path's shortcuts must give exactly what the plain code gives: the stay events'
one serialiser (core.stay.event_row) writes what the contract models write and validates
against them, the cached name key equals the whole-string folding, the relay's remembered
partition is Kafka's default one, the batch's ids are proper version-4 UUIDs, and the batch's
answer written by orjson equals the models' answer."""

import json
import unicodedata
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiokafka.partitioner import DefaultPartitioner
from asyncpg.pgproto.pgproto import UUID as PgUUID
from hypothesis import given
from hypothesis import strategies as st

from luutru_common.events import (
    RETIRED_FACILITY_FIELDS,
    Envelope,
    GuestCheckedIn,
    StayCorrected,
    new_envelope,
)
from luutru_common.identity import name_match_key
from luutru_common.outbox import KeyedPartitioner
from luutru_ingest.core import stay


def reference_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name)
    folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    folded = folded.replace("đ", "d").replace("Đ", "D")
    return " ".join(folded.upper().split())


@given(st.text())
def test_cached_name_key_equals_whole_string_folding(name):
    assert name_match_key(name) == reference_key(name)


def test_vietnamese_names_fold_in_nfc_and_nfd():
    for name in ("Nguyễn Văn Ấn", "Đặng Thị Đào", "Lưu Hữu Phước"):
        nfd = unicodedata.normalize("NFD", name)
        assert name_match_key(nfd) == name_match_key(name) == reference_key(name)


def values(**change) -> dict:
    base = {
        "id": uuid.uuid4(),
        "facility_id": uuid.uuid4(),
        "document_type": "passport",
        "document_number": "C01234567",
        "full_name": "Léa Dubois",
        "date_of_birth": date(1990, 5, 1),
        "gender": "female",
        "nationality": "FRA",
        "country_of_residence": "FRA",
        "room": "12",
        "reason": "Du lịch",
        "check_in_at": datetime(2026, 11, 27, 7, 0, tzinfo=UTC),
        "expected_check_out": date(2026, 11, 29),
        "received_at": datetime(2026, 11, 27, 7, 5, 12, 345678, tzinfo=UTC),
        "due_at": datetime(2026, 11, 27, 16, 0, tzinfo=UTC),
        "late_minutes": 0,
        "visa_type": "DL",
        "visa_number": "V1",
        "entry_date": date(2026, 11, 20),
        "entry_port": "Nội Bài",
        "accompanying_adult_document": None,
        "relationship": None,
        "unaccompanied_minor": False,
        "source": "typed",
        "version": 1,
    }
    return {**base, **change}


SAMPLES = (
    values(),
    values(document_type="id_number", source="qr", entry_date=None),
    # What the database hands back (asyncpg's own UUID type for a facility read from it) and
    # a deadline a correction computed in local time: written as the contract writes them.
    values(
        facility_id=PgUUID(str(uuid.uuid4())),
        due_at=datetime(2026, 11, 27, 23, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    ),
)


def test_fast_envelope_equals_the_contract():
    for v in SAMPLES:
        event_id = uuid.uuid4()
        row = stay.checked_in_row(
            v, event_id=event_id, occurred_at="2026-11-27T07:05:12Z", correlation_id="c"
        )
        model = GuestCheckedIn(**stay.event_state(v))
        envelope = new_envelope(model, producer="ingest", correlation_id="c")
        expected = json.loads(envelope.model_dump_json())
        expected.update(event_id=str(event_id), occurred_at="2026-11-27T07:05:12Z")
        # The contract writes its retired facility fields as null; ingest leaves them out
        # (facility.v1 carries a facility's attributes).
        for name in RETIRED_FACILITY_FIELDS:
            assert expected["data"].pop(name) is None
        written = json.loads(row[4])
        assert written == expected
        assert written["data"]["due_at"].endswith("Z")
        assert not set(RETIRED_FACILITY_FIELDS) & set(written["data"])
        assert row[0] == event_id and row[5] == "c"
        assert row[1:4] == ("stay.v1", str(v["facility_id"]), "GuestCheckedIn")
        Envelope.model_validate(written)
        parsed = GuestCheckedIn.model_validate(written["data"])
        assert parsed == model
        assert parsed.facility_type is None and parsed.star_rating is None


def test_stay_corrected_goes_through_the_same_serialiser():
    for v in SAMPLES:
        state = {**stay.event_state(v), "correction_reason": "typo"}
        row = stay.event_row(
            StayCorrected, state, event_id=uuid.uuid4(), occurred_at="x", correlation_id=None
        )
        data = json.loads(row[4])["data"]
        assert row[3] == "StayCorrected"
        assert StayCorrected.model_validate(data) == StayCorrected(**state)
        expected = StayCorrected(**state).model_dump(
            mode="json", exclude=set(RETIRED_FACILITY_FIELDS)
        )
        assert data == expected


def test_uuids_are_version_4_and_distinct():
    ids = stay.uuids(1000)
    assert len(set(ids)) == 1000 and all(u.version == 4 for u in ids)
    assert all(u.variant == uuid.RFC_4122 for u in ids)
    # Equal to (and hashed like) the standard type: ids read back from the database or
    # written by other code compare with them.
    assert all(uuid.UUID(str(u)) == u and hash(uuid.UUID(str(u))) == hash(u) for u in ids)


@given(st.binary(max_size=64), st.integers(min_value=1, max_value=64))
def test_remembered_partition_is_kafkas_default(key, partitions):
    # The relay's partitioner must put every key where the Java clients and aiokafka's
    # default put it: consumers rely on one facility's events staying in order.
    all_partitions = list(range(partitions))
    keyed = KeyedPartitioner(keys=8)
    expected = DefaultPartitioner()(key, all_partitions, all_partitions)
    assert keyed(key, all_partitions, all_partitions) == expected
    assert keyed(key, all_partitions, all_partitions) == expected  # remembered


def test_batch_answer_equals_the_models_answer():
    # The batch writes its BatchResult with orjson from plain values; it must be what the
    # models (RecordResult, Receipt) write, for every kind of result.
    from luutru_common.problems import field_error
    from luutru_ingest.core.registration import Outcome
    from luutru_ingest.stays.endpoints import _batch_answer
    from luutru_ingest.stays.schemas import BatchResult

    warning = field_error("/guests/0/id_number", "id-province-unknown", "Ba số đầu", "Digits")
    error = field_error("/guests/2/full_name", "required", "Thiếu họ tên", "The name")
    new = {
        **values(receipt_number="K7M-4QX-9PA", status="checked_in"),
        "warnings": [warning.model_dump(mode="json")],
    }
    # A duplicate repeats the stored row: asyncpg's id types, jsonb as text, late.
    stored = {
        **values(id=PgUUID(str(uuid.uuid4())), facility_id=PgUUID(str(uuid.uuid4()))),
        "receipt_number": "ABC-DEF-GHJ",
        "status": "checked_out",
        "version": 3,
        "late_minutes": 75,
        "warnings": json.dumps([warning.model_dump(mode="json")]),
    }
    outcomes = [
        Outcome(0, "accepted", new, warnings=[warning]),
        Outcome(1, "duplicate", stored),
        Outcome(2, "rejected", None, [error], [warning]),
        Outcome(3, "valid", warnings=[warning]),
        Outcome(4, "accepted", {**new, "warnings": []}),
    ]
    expected = BatchResult(
        accepted=3, duplicates=1, rejected=1, results=[o.result() for o in outcomes]
    )
    assert json.loads(_batch_answer(outcomes)) == json.loads(expected.model_dump_json())
