"""The batch path's shortcuts must give exactly what the plain code gives: the hand-built
GuestCheckedIn envelope equals the contract's own serialisation, and the cached name key
equals the whole-string folding."""

import json
import unicodedata
import uuid
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from luutru_common.events import GuestCheckedIn, new_envelope
from luutru_common.identity import name_match_key
from luutru_ingest.models import FacilityView
from luutru_ingest.stays import fast_events, service


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


def test_fast_envelope_equals_the_contract():
    facility = FacilityView(
        id=uuid.uuid4(),
        code="X",
        name="X",
        facility_type="hotel",
        province_code=75,
        commune_code=26068,
        beds=None,
        status="active",
        as_of=datetime.now(UTC),
    )
    for v in (values(), values(document_type="id_number", source="qr", entry_date=None)):
        event_id = uuid.uuid4()
        row = fast_events.checked_in_row(
            v, facility, event_id=event_id, occurred_at="2026-11-27T07:05:12Z", correlation_id="c"
        )
        envelope = new_envelope(
            service.checked_in_event(v, facility), producer="ingest", correlation_id="c"
        )
        expected = json.loads(envelope.model_dump_json())
        expected.update(event_id=str(event_id), occurred_at="2026-11-27T07:05:12Z")
        assert json.loads(row[4]) == expected
        assert row[1:4] == ("stay.v1", str(v["facility_id"]), "GuestCheckedIn")
        GuestCheckedIn.model_validate(json.loads(row[4])["data"])


def test_uuids_are_version_4_and_distinct():
    ids = fast_events.uuids(1000)
    assert len(set(ids)) == 1000 and all(u.version == 4 for u in ids)
