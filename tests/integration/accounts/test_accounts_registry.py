"""The facility registry on real PostgreSQL: every change emits its event (with the whole
facility) in the same transaction, status rules, validation per type, search and paging."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from tests.integration.accounts_helpers import (
    HOTEL,
    admin_token,
    new_user,
)
from tests.support import bearer


async def events_of(db, facility_id: str) -> list:
    async with db.connect() as conn:
        return (
            await conn.execute(
                text(
                    "SELECT event_type, topic, payload::jsonb AS payload FROM accounts.outbox "
                    "WHERE key = :k "
                    "ORDER BY id"
                ),
                {"k": facility_id},
            )
        ).all()


async def test_lifecycle_emits_each_event_with_the_whole_facility(client, db):
    admin = bearer(await admin_token(client))
    created = await client.post(
        "/v1/facilities",
        json={
            **HOTEL,
            "business_licence_number": f"GP-{uuid.uuid4().hex[:8]}",
            "legal_representative": "Phạm Văn Đức",
            "contact_phone": "0251 3822 123",
            "contact_email": "lehan@khachsan.vn",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    facility = created.json()["facility"]
    fid = facility["id"]
    assert facility["legal_representative"] == "Phạm Văn Đức"

    updated = await client.patch(
        f"/v1/facilities/{fid}", json={"star_rating": 4, "beds": 80}, headers=admin
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["star_rating"], updated.json()["beds"]) == (4, 80)
    no_reason = await client.post(f"/v1/facilities/{fid}/suspend", json={}, headers=admin)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["pointer"] == "/reason"
    suspended = await client.post(
        f"/v1/facilities/{fid}/suspend", json={"reason": "Vi phạm khai báo"}, headers=admin
    )
    assert suspended.json()["status"] == "suspended"
    again = await client.post(f"/v1/facilities/{fid}/suspend", json={"reason": "x"}, headers=admin)
    assert again.status_code == 409
    assert again.json()["code"] == "facility-status-conflict"
    reinstated = await client.post(f"/v1/facilities/{fid}/reinstate", headers=admin)
    assert reinstated.json()["status"] == "active"
    closed = await client.post(
        f"/v1/facilities/{fid}/close", json={"reason": "Ngừng kinh doanh"}, headers=admin
    )
    assert closed.json()["status"] == "closed"
    assert (
        await client.patch(f"/v1/facilities/{fid}", json={"beds": 1}, headers=admin)
    ).status_code == 409
    assert (await client.post(f"/v1/facilities/{fid}/reinstate", headers=admin)).status_code == 409

    events = await events_of(db, fid)
    assert [(e.event_type, e.topic) for e in events] == [
        ("FacilityRegistered", "facility.v1"),
        ("FacilityUpdated", "facility.v1"),
        ("FacilitySuspended", "facility.v1"),
        ("FacilityReinstated", "facility.v1"),
        ("FacilityClosed", "facility.v1"),
    ]
    data = [e.payload["data"] for e in events]
    # Each event carries the whole facility as it is after the change (the topic is compacted).
    assert [d["status"] for d in data] == ["active", "active", "suspended", "active", "closed"]
    assert all(d["name"] == HOTEL["name"] and d["commune_code"] == 26068 for d in data)
    assert data[1]["star_rating"] == 4 and data[4]["beds"] == 80
    assert data[2]["reason"] == "Vi phạm khai báo"
    assert data[4]["reason"] == "Ngừng kinh doanh"

    audit = await client.get("/v1/audit", params={"target_id": fid}, headers=admin)
    actions = [row["action"] for row in audit.json()["items"]]
    assert actions == [
        "facility.closed",
        "facility.reinstated",
        "facility.suspended",
        "facility.updated",
        "facility.registered",
    ]
    assert audit.json()["items"][3]["details"]["before"] == {"star_rating": 3, "beds": 60}


async def test_a_failed_change_leaves_no_event(client, db):
    admin = bearer(await admin_token(client))
    created = await client.post("/v1/facilities", json=HOTEL, headers=admin)
    fid = created.json()["facility"]["id"]
    bad = await client.patch(
        f"/v1/facilities/{fid}", json={"facility_type": "motel"}, headers=admin
    )  # a motel has no star rating
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/star_rating"
    assert [e.event_type for e in await events_of(db, fid)] == ["FacilityRegistered"]


@pytest.mark.parametrize(
    ("facility", "pointers"),
    [
        ({"facility_type": "zone_housing", "star_rating": None}, {"/zone": "zone-required"}),
        (
            {"facility_type": "motel", "zone": "KCN Amata"},
            {"/zone": "zone-not-applicable", "/star_rating": "star-rating-not-applicable"},
        ),
        (
            {"facility_type": "coach", "star_rating": None},
            {
                "/vehicles": "vehicles-required",
                "/seats": "seats-required",
                "/rooms": "rooms-not-applicable",
                "/beds": "beds-not-applicable",
            },
        ),
        ({"province_code": 1, "commune_code": 26068}, {"/commune_code": "commune-unknown"}),
        ({"province_code": 98}, {"/province_code": "province-unknown"}),
        ({"province_code": 9999}, {"/province_code": "value-out-of-range"}),
        ({"contact_phone": "abc"}, {"/contact_phone": "string_pattern_mismatch"}),
        ({"star_rating": 6}, {"/star_rating": "value-out-of-range"}),
        ({"unexpected": 1}, {"/unexpected": "extra_forbidden"}),
    ],
)
async def test_validation_names_each_field(client, facility, pointers):
    admin = bearer(await admin_token(client))
    response = await client.post("/v1/facilities", json={**HOTEL, **facility}, headers=admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {e["pointer"]: e["code"] for e in response.json()["errors"]} == pointers
    assert all(e["message"]["vi"] and e["message"]["en"] for e in response.json()["errors"])


async def test_coach_operator_and_zone_housing(client):
    admin = bearer(await admin_token(client))
    coach = await client.post(
        "/v1/facilities",
        json={
            "name": "Nhà xe Phương Trang Đồng Nai",
            "facility_type": "coach",
            "province_code": 75,
            "commune_code": 26068,
            "vehicles": 12,
            "seats": 480,
        },
        headers=admin,
    )
    assert coach.status_code == 201, coach.text
    assert (coach.json()["facility"]["vehicles"], coach.json()["facility"]["seats"]) == (12, 480)
    zone = await client.post(
        "/v1/facilities",
        json={**HOTEL, "facility_type": "zone_housing", "star_rating": None, "zone": "KCN Amata"},
        headers=admin,
    )
    assert zone.status_code == 201, zone.text
    assert zone.json()["facility"]["zone"] == "KCN Amata"


async def test_licence_number_is_unique(client):
    admin = bearer(await admin_token(client))
    licence = f"GP-{uuid.uuid4().hex[:8]}"
    first = await client.post(
        "/v1/facilities", json={**HOTEL, "business_licence_number": licence}, headers=admin
    )
    assert first.status_code == 201
    second = await client.post(
        "/v1/facilities", json={**HOTEL, "business_licence_number": licence}, headers=admin
    )
    assert second.status_code == 409
    assert second.json()["errors"][0]["pointer"] == "/business_licence_number"


async def test_search_filter_and_cursor_pagination(client):
    admin = bearer(await admin_token(client))
    tag = uuid.uuid4().hex[:8]
    made = []
    for i, (ftype, commune) in enumerate(
        [("motel", 26041), ("motel", 26041), ("hotel", 26041), ("motel", 26017)]
    ):
        body = {
            **HOTEL,
            "name": f"Cơ sở {tag} {i}",
            "facility_type": ftype,
            "commune_code": commune,
        }
        if ftype != "hotel":
            body["star_rating"] = None
        response = await client.post("/v1/facilities", json=body, headers=admin)
        assert response.status_code == 201, response.text
        made.append(response.json()["facility"])
    await client.post(
        f"/v1/facilities/{made[1]['id']}/suspend", json={"reason": "x"}, headers=admin
    )

    async def search(**params):
        response = await client.get("/v1/facilities", params={"q": tag, **params}, headers=admin)
        assert response.status_code == 200, response.text
        return response.json()

    assert len((await search())["items"]) == 4
    assert [
        f["id"] for f in (await search(facility_type="motel", commune_code=26041))["items"]
    ] == [
        made[0]["id"],
        made[1]["id"],
    ]
    assert [f["id"] for f in (await search(status="suspended"))["items"]] == [made[1]["id"]]
    # Pages of two, in code order, until the cursor runs out.
    seen, cursor = [], None
    while True:
        page = await search(limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [f["id"] for f in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f["id"] for f in made]
    bad = await client.get("/v1/facilities", params={"cursor": "%%%"}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/query:cursor"

    # A commune police officer sees the facilities of their communes only.
    officer = await new_user(client, await admin_token(client), "police_officer", communes=[26017])
    mine = await client.get("/v1/facilities", params={"q": tag}, headers=bearer(officer["token"]))
    assert [f["id"] for f in mine.json()["items"]] == [made[3]["id"]]
    other = await client.get(
        "/v1/facilities", params={"q": tag, "commune_code": 26041}, headers=bearer(officer["token"])
    )
    assert other.json()["items"] == []
    assert (
        await client.get(f"/v1/facilities/{made[0]['id']}", headers=bearer(officer["token"]))
    ).status_code == 404


async def test_facility_types_publish_the_department_mapping(client):
    types = {t["code"]: t for t in (await client.get("/v1/facility-types")).json()}
    assert types["hotel"]["department"] == "VHTTDL" and types["hotel"]["has_stars"]
    assert types["zone_housing"]["department"] == "BQLKKT" and types["zone_housing"]["has_zone"]
    assert types["medical"]["department"] == "SYT"
    assert types["coach"]["department"] == "SGTVT" and not types["coach"]["takes_guests"]


async def test_provinces_and_their_communes_are_published_by_name(client):
    provinces = {p["code"]: p["name"] for p in (await client.get("/v1/provinces")).json()}
    assert len(provinces) == 34  # the two-tier system since 1/7/2025
    assert "Đồng Nai" in provinces[75]
    communes = {
        c["code"]: c["name"] for c in (await client.get("/v1/provinces/75/communes")).json()
    }
    assert communes[26068] == "Phường Biên Hòa"
    unknown = await client.get("/v1/provinces/99/communes")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "province-unknown"


async def test_countries_roles_and_visa_types_are_published_by_name(client):
    countries = {c["code"]: c for c in (await client.get("/v1/countries")).json()}
    assert len(countries) == 249  # every ISO 3166-1 country
    assert countries["KOR"]["name_vi"] == "Hàn Quốc"
    assert countries["KOR"]["name_en"] == "South Korea"
    assert countries["VNM"]["name_vi"] == "Việt Nam"
    assert all(c["name_vi"] and c["name_en"] for c in countries.values())
    roles = {r["code"]: r for r in (await client.get("/v1/roles")).json()}
    assert set(roles) == {
        "system_admin",
        "police_admin",
        "police_officer",
        "facility_manager",
        "facility_staff",
        "department_analyst",
    }
    assert roles["police_admin"]["name_en"] == "Police administrator"
    visas = {v["code"]: v for v in (await client.get("/v1/visa-types")).json()}
    assert {"exempt", "DL", "EV", "LĐ2", "DN1"} <= set(visas)
    assert visas["DL"]["name_vi"] == "Du lịch (DL)" and visas["DL"]["description_en"]
