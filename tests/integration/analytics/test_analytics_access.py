"""Who sees what: analysts only their department's facility types and never small cells,
commune police only their communes, facilities nothing at all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.analytics_helpers import (
    check_in,
    facility,
    guest,
    published,
    unique_commune,
    unique_day,
)
from tests.support import bearer


@pytest.fixture
async def world(app, feeder):
    c1, c2, d = unique_commune(), unique_commune(), unique_day()
    h1 = facility(commune=c1, facility_type="hotel")
    h2 = facility(commune=c2, facility_type="hotel")
    m1 = facility(commune=c1, facility_type="medical")
    vnm = [check_in(h1, d, nights=1, who=guest(nationality="VNM")) for _ in range(6)]
    kor = [
        check_in(h1, d, nights=1, who=guest(nationality="KOR", passport=f"K{i:07d}"))
        for i in range(2)
    ]
    usa = [
        check_in(h1, d, nights=1, who=guest(nationality="USA", passport=f"U{i:07d}"))
        for i in range(7)
    ]
    medical = [check_in(m1, d, nights=1) for _ in range(8)]
    stays = vnm + kor + usa + [check_in(h2, d, nights=1) for _ in range(3)] + medical
    await feeder.send(h1, h2, m1, *stays)
    return {
        "c1": c1,
        "c2": c2,
        "d": d,
        "client": app.state.client,
        "by_nationality": {"VNM": vnm, "KOR": kor, "USA": usa},
        "medical": medical,
    }


def params(w, **extra):
    return {"date_from": w["d"].isoformat(), "date_to": w["d"].isoformat(), **extra}


async def test_analyst_sees_only_own_department_and_small_cells_are_hidden(world, signer):
    client = world["client"]
    vhttdl = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    # Commune c2 has 3 hotel guests: below 5, suppressed for the analyst, shown to police.
    body = (
        await client.get(
            "/v1/feeds/tourism", params=params(world, commune=world["c2"]), headers=vhttdl
        )
    ).json()
    assert body["rows"][0]["suppressed"] is True
    assert body["rows"][0]["arrivals"] is None and body["total"]["arrivals"] is None
    police = bearer(signer.token(role="police_admin"))
    body = (
        await client.get(
            "/v1/feeds/tourism", params=params(world, commune=world["c2"]), headers=police
        )
    ).json()
    assert (body["rows"][0]["arrivals"], body["rows"][0]["suppressed"]) == (3, False)
    # The medical stays are SYT's: the tourism analyst gets 403 on the health feed, and the
    # tourism feed never counts them (c1: 15 hotel guests, not 23; a multiple of 5 is shown
    # as it is).
    answer = await client.get("/v1/feeds/health", params=params(world), headers=vhttdl)
    assert answer.status_code == 403
    body = (
        await client.get(
            "/v1/feeds/tourism", params=params(world, commune=world["c1"]), headers=vhttdl
        )
    ).json()
    assert body["rows"][0]["arrivals"] == 15
    syt = bearer(signer.token(role="department_analyst", department="SYT"))
    body = (
        await client.get("/v1/feeds/health", params=params(world, commune=world["c1"]), headers=syt)
    ).json()
    # 8 admissions, shown rounded to a multiple of 5 by the stays' cell key (5 or 10).
    assert [r["arrivals"] for r in body["rows"]] == [published(world["medical"])]
    assert body["rows"][0]["arrivals"] in (5, 10)
    arrivals = (await client.get("/v1/feeds/arrivals", params=params(world), headers=syt)).json()
    assert {r["facility_type"] for r in arrivals["rows"]} <= {"medical"}


async def test_a_lone_hidden_cell_cannot_be_worked_out_from_its_siblings(world, signer):
    vhttdl = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    body = (
        await world["client"].get(
            "/v1/feeds/tourism/breakdown",
            params=params(world, commune=world["c1"], by="nationality"),
            headers=vhttdl,
        )
    ).json()
    cells = {r["key"]: r["arrivals"] for r in body["rows"]}
    # KOR (2) is below 5: hidden. VNM (6) and USA (7) are rounded by their cell keys, so
    # 15 − VNM − USA is a multiple of 5, never 2.
    mine = world["by_nationality"]
    assert cells == {"KOR": None, "VNM": published(mine["VNM"]), "USA": published(mine["USA"])}
    assert (15 - cells["VNM"] - cells["USA"]) % 5 == 0


async def test_commune_police_see_only_their_communes(world, signer):
    client = world["client"]
    officer = bearer(signer.token(role="police_officer", communes=[world["c2"]]))
    body = (await client.get("/v1/feeds/tourism", params=params(world), headers=officer)).json()
    assert body["rows"][0]["arrivals"] == 3  # c2 only, unsuppressed for police
    body = (
        await client.get(
            "/v1/feeds/tourism", params=params(world, commune=world["c1"]), headers=officer
        )
    ).json()
    assert body["rows"][0]["arrivals"] == 0  # asking for another commune gives nothing
    nobody = bearer(signer.token(role="police_officer", communes=[]))
    answer = await client.get("/v1/feeds/tourism", params=params(world), headers=nobody)
    assert answer.status_code == 403


GET_PATHS = [
    "/v1/feeds/arrivals",
    "/v1/feeds/tourism",
    "/v1/feeds/tourism/breakdown?by=nationality",
    "/v1/feeds/health",
    "/v1/feeds/zones",
    "/v1/feeds/transport",
    "/v1/police/foreign-guests?case_reference=15/TB-CAX&reason=foreigner-oversight",
    "/v1/police/access-log",
    "/v1/watchlist",
    "/v1/alerts",
    "/v1/alerts/stream",
    "/v1/compliance/daily",
    "/v1/compliance/fine-bands",
    "/v1/compliance/silent-facilities",
]


@pytest.mark.parametrize("role", ["facility_manager", "facility_staff"])
async def test_facilities_have_no_access_at_all(world, signer, role):
    import uuid

    token = bearer(signer.token(role=role, facility_id=uuid.uuid4()))
    for path in GET_PATHS:
        sep = "&" if "?" in path else "?"
        answer = await world["client"].get(
            f"{path}{sep}date_from={world['d']}&date_to={world['d']}", headers=token
        )
        assert answer.status_code == 403, path
    answer = await world["client"].post(
        "/v1/police/search",
        json={
            "case_reference": "15/TB-CAX",
            "reason": "criminal-investigation",
            "document_number": "1",
        },
        headers=token,
    )
    assert answer.status_code == 403
    answer = await world["client"].post(
        "/v1/watchlist", json={"document_number": "075090001234"}, headers=token
    )
    assert answer.status_code == 403


async def test_analysts_get_no_personal_data_alerts_or_compliance(world, signer):
    analyst = bearer(signer.token(role="department_analyst", department="VHTTDL"))
    for path in GET_PATHS[6:]:
        sep = "&" if "?" in path else "?"
        answer = await world["client"].get(
            f"{path}{sep}date_from={world['d']}&date_to={world['d'] + timedelta(days=1)}",
            headers=analyst,
        )
        assert answer.status_code == 403, path
