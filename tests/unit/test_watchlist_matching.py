"""Matching a run of registrations against the watchlist judges only the entries that share a
record's document or date of birth (luutru_analytics.core.matching.matches): the same matches,
in the same order, as judging every pair — on lists where documents and birth dates repeat,
names are near each other, documents are blank or differently written."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from luutru_analytics.core.matching import judge, matches, normalize_document
from luutru_analytics.models import WatchlistEntry

BIRTHS = [date(1990, 1, 1), date(1990, 1, 2), date(1985, 6, 30)]
NAMES = ["nguyen van an", "nguyen van anh", "an van nguyen", "tran thi binh", "le hoang nam"]
DOCUMENTS = ["079090001234", "B1234567", "b 1234567", " ", None]


entries_strategy = st.lists(
    st.builds(
        lambda doc, name, birth: WatchlistEntry(
            entry_id=uuid.uuid4(),
            document_number=doc.strip().upper().replace(" ", "") if doc and doc.strip() else None,
            name_key=name,
            date_of_birth=birth,
        ),
        st.sampled_from(DOCUMENTS),
        st.sampled_from([*NAMES, None]),
        st.sampled_from([*BIRTHS, None]),
    ),
    max_size=12,
)
records_strategy = st.lists(
    st.builds(
        lambda doc, name, birth: {
            "record_id": uuid.uuid4(),
            "document_number": doc,
            "name_key": name,
            "date_of_birth": birth,
        },
        st.sampled_from(DOCUMENTS),
        st.sampled_from(NAMES),
        st.sampled_from(BIRTHS),
    ),
    max_size=12,
)


def every_pair(entries, records, threshold):
    found = []
    for record in records:
        for entry in entries:
            verdict = judge(
                entry, record, threshold, normalize_document(record.get("document_number"))
            )
            if verdict is not None:
                found.append((entry.entry_id, record["record_id"], *verdict))
    return found


@settings(max_examples=300, deadline=None)
@given(entries_strategy, records_strategy, st.sampled_from([0.8, 0.9, 1.0]))
def test_matching_by_shared_keys_finds_what_judging_every_pair_finds(entries, records, threshold):
    found = [
        (m.entry.entry_id, m.record["record_id"], m.kind, m.score)
        for m in matches(entries, records, threshold)
    ]
    assert found == every_pair(entries, records, threshold)


def test_a_document_match_and_a_name_match_of_one_record_both_count():
    by_document = WatchlistEntry(
        entry_id=uuid.uuid4(), document_number="B1234567", name_key=None, date_of_birth=None
    )
    by_name = WatchlistEntry(
        entry_id=uuid.uuid4(),
        document_number=None,
        name_key="nguyen van an",
        date_of_birth=BIRTHS[0],
    )
    elsewhere = WatchlistEntry(
        entry_id=uuid.uuid4(),
        document_number="079090001234",
        name_key="nguyen van an",
        date_of_birth=BIRTHS[1],
    )
    record = {
        "record_id": uuid.uuid4(),
        "document_number": "b1234567",
        "name_key": "nguyen van an",
        "date_of_birth": BIRTHS[0],
    }
    found = matches([by_name, elsewhere, by_document], [record], 0.9)
    assert [(m.entry, m.kind) for m in found] == [(by_name, "name_dob"), (by_document, "document")]
