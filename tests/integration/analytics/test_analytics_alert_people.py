"""Alerts worked at volume: one item per person (registration) with all their hits and the
watchlist entries by reason and name, totals, paging, filters (status, commune, match kind),
the facility's name, street and the room; per-person acknowledge and close — on real
PostgreSQL, events fed through the real consumer runner."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.integration.analytics_helpers import (
    VN,
    check_in,
    facility,
    guest,
    rare_birthday,
    rare_document,
    unique_commune,
)
from tests.support import bearer


@pytest.fixture
async def world(app, admin, feeder):
    """Person P (commune c1, room 305 of "Khách sạn Sông Hàn", 12 Bạch Đằng) matches two
    entries (document; name + birth date); four more people in c1 and Q in c2 match one entry
    each by document: 6 people, 7 hits."""
    client = app.state.client
    c1, c2 = unique_commune(), unique_commune()
    today = datetime.now(VN).date()
    born, doc = rare_birthday(), rare_document()
    listed = [
        {"document_number": doc, "reason": "Truy nã theo QĐ 12/2026"},
        {"full_name": "Phạm Văn Lộc", "date_of_birth": born.isoformat(), "reason": "Bỏ trốn"},
    ]
    others = [rare_document() for _ in range(5)]
    listed += [{"document_number": d, "reason": f"Lệnh số {i}"} for i, d in enumerate(others)]
    for entry in listed:
        added = await client.post("/v1/watchlist", json=entry, headers=admin)
        assert added.status_code == 201, added.text
    hotel = facility(commune=c1, name="Khách sạn Sông Hàn").model_copy(
        update={"street": "12 Bạch Đằng"}
    )
    inn = facility(commune=c2, name="Nhà nghỉ Bến Cũ")
    p = check_in(
        hotel, today, nights=2, room="305", who=guest(name="Phạm Văn Lộc", born=born, id_number=doc)
    )
    rest = [
        check_in(hotel, today, room=f"1{i}", who=guest(id_number=d))
        for i, d in enumerate(others[:4])
    ]
    q = check_in(inn, today, who=guest(name="Đỗ Thị Quyên", id_number=others[4]))
    await feeder.send(hotel, inn, *rest, q, p)
    return {"c1": c1, "c2": c2, "p": p, "q": q, "hotel": hotel, "doc": doc}


def communes(world, *which):
    return [("commune", world[w]) for w in which]


async def test_one_item_per_person_with_totals_and_pages(app, admin, world):
    client = app.state.client
    params = [*communes(world, "c1", "c2"), ("page_size", 4)]
    first = (await client.get("/v1/alerts/people", params=params, headers=admin)).json()
    assert (first["total_people"], first["total_hits"]) == (6, 7)
    assert (first["page"], first["pages"], len(first["items"])) == (1, 2, 4)
    # P's hits arrived last: P first, with both hits, the entries by reason and name.
    p = first["items"][0]
    assert p["record_id"] and p["stay_id"] == str(world["p"].stay_id)
    assert (p["subject_name"], p["hit_count"], p["open_count"], p["status"]) == (
        "Phạm Văn Lộc",
        2,
        2,
        "new",
    )
    assert {(h["match_kind"], h["entry_reason"], h["entry_name"]) for h in p["hits"]} == {
        ("document", "Truy nã theo QĐ 12/2026", None),
        ("name_dob", "Bỏ trốn", "Phạm Văn Lộc"),
    }
    assert (p["facility_name"], p["facility_street"], p["room"]) == (
        "Khách sạn Sông Hàn",
        "12 Bạch Đằng",
        "305",
    )
    assert p["commune_code"] == world["c1"]
    second = (
        await client.get("/v1/alerts/people", params=[*params, ("page", 2)], headers=admin)
    ).json()
    assert len(second["items"]) == 2
    seen = [i["record_id"] for i in first["items"] + second["items"]]
    assert len(set(seen)) == 6
    # The communes with hits, for the filter (names come from the registry of communes;
    # these test codes have none).
    assert {(c["code"], c["people"]) for c in first["communes"]} >= {
        (world["c1"], 5),
        (world["c2"], 1),
    }


async def test_filters_by_match_kind_commune_and_status(app, admin, signer, world):
    client = app.state.client
    both = communes(world, "c1", "c2")
    by_name = (
        await client.get(
            "/v1/alerts/people", params=[*both, ("match_kind", "name_dob")], headers=admin
        )
    ).json()
    # The filter picks the people; their card holds all their hits.
    assert (by_name["total_people"], by_name["total_hits"]) == (1, 2)
    assert {h["entry_reason"] for h in by_name["items"][0]["hits"]} == {
        "Bỏ trốn",
        "Truy nã theo QĐ 12/2026",
    }
    only_c2 = (
        await client.get("/v1/alerts/people", params=communes(world, "c2"), headers=admin)
    ).json()
    assert [i["subject_name"] for i in only_c2["items"]] == ["Đỗ Thị Quyên"]
    # A commune officer of c2 sees Q only, and only c2 among the communes, whatever is asked.
    officer = bearer(signer.token(role="police_officer", communes=[world["c2"]]))
    mine = (await client.get("/v1/alerts/people", params=both, headers=officer)).json()
    assert mine["total_people"] == 1 and [c["code"] for c in mine["communes"]] == [world["c2"]]
    bad = await client.get("/v1/alerts/people", params={"page_size": 500}, headers=admin)
    assert bad.status_code == 422


async def test_a_person_is_worked_as_a_whole_and_hit_by_hit(app, admin, world):
    client = app.state.client
    params = [*communes(world, "c1"), ("match_kind", "name_dob")]
    (p,) = (await client.get("/v1/alerts/people", params=params, headers=admin)).json()["items"]
    path = f"/v1/alerts/people/{p['record_id']}/transitions"
    ack = await client.post(
        path, json={"status": "acknowledged", "note": "Đã cử tổ"}, headers=admin
    )
    assert ack.status_code == 200, ack.text
    assert ack.json()["status"] == "acknowledged"
    assert {h["status"] for h in ack.json()["hits"]} == {"acknowledged"}
    assert ack.json()["hit_count"] == 2
    # One hit closed on its own; then the person: the other one closes.
    one = ack.json()["hits"][0]
    closed_one = await client.post(
        f"/v1/alerts/{one['alert_id']}/transitions", json={"status": "closed"}, headers=admin
    )
    assert closed_one.status_code == 200
    closed = await client.post(
        path, json={"status": "closed", "note": "Đã xác minh"}, headers=admin
    )
    assert closed.json()["status"] == "closed" and closed.json()["open_count"] == 0
    assert [n["note"] for n in closed.json()["hits"][1]["notes"]] == ["Đã cử tổ", "Đã xác minh"]
    again = await client.post(path, json={"status": "closed"}, headers=admin)
    assert again.status_code == 409
    # The status filter: P is no longer among the new ones, and is among the closed ones.
    new = (
        await client.get(
            "/v1/alerts/people", params=[*communes(world, "c1"), ("status", "new")], headers=admin
        )
    ).json()
    assert p["record_id"] not in {i["record_id"] for i in new["items"]}
    assert new["total_people"] == 4
    done = (
        await client.get(
            "/v1/alerts/people",
            params=[*communes(world, "c1"), ("status", "closed")],
            headers=admin,
        )
    ).json()
    assert [i["record_id"] for i in done["items"]] == [p["record_id"]]
