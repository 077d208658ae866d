"""Guest pre-registration on real PostgreSQL: signed links (single use, standing and rotated,
forged and expired), a guest's pending entry with its readable code and the caps and per
address limit that keep a flood out, the staff's list (own facility, by name or code), the
confirmation → an ordinary stay with source `self`, its receipt, deadline and event, and the
72-hour end: invisible at once, deleted by the retention rule. A pending entry is never in the
outbox (so never on Kafka, in a feed, an alert or a police search)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from luutru_common.retention import run_rules
from luutru_ingest import retention
from luutru_ingest.pre_registrations import links
from luutru_ingest.settings import DEV_PRE_REGISTRATION_SECRET, IngestSettings
from tests.integration.conftest import add_facility_view
from tests.integration.ingest_helpers import guest, staff

pytestmark = pytest.mark.app_settings(
    pre_registration_link_cap=3, pre_registration_facility_cap=5, pre_registration_address_limit=4
)
CODE = r"^[2-9A-HJ-NP-Z]{3}-[2-9A-HJ-NP-Z]{3}$"


def from_address() -> dict[str, str]:
    """A source address of the test's own (the console forwards the guest's address)."""
    raw = uuid.uuid4().bytes  # not `random`: a test run may seed it the same for every test
    return {"X-Forwarded-For": f"10.{raw[0]}.{raw[1]}.{raw[2]}"}


def details(**change) -> dict:
    """What a guest types on their phone: a check-in without arrival time or room."""
    body = {k: v for k, v in guest().items() if k not in ("check_in_at", "room")}
    return {**body, "notice_accepted": True, **change}


async def new_link(client, headers, **body) -> dict:
    response = await client.post("/v1/pre-registrations/links", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def outbox_mentions(db, text_: str) -> int:
    async with db.connect() as conn:
        return await conn.scalar(
            text("SELECT count(*) FROM ingest.outbox WHERE payload::text LIKE :t"),
            {"t": f"%{text_}%"},
        )


async def test_guest_pre_registers_and_staff_confirm_into_a_stay(app, signer, facility, db):
    client, headers = app.state.client, staff(signer, facility)
    link = await new_link(client, headers, label="Anh Kim, phòng đôi")
    assert link["path"] == f"/guest#{link['token']}"
    opened = await client.get(f"/v1/guest-links/{link['token']}")
    assert opened.status_code == 200, opened.text
    assert opened.json()["facility_name"] == "Test" and opened.json()["kept_hours"] == 72

    body = details(full_name="Trần Thị Khai Trước")
    sent = await client.post(
        f"/v1/guest-links/{link['token']}/pre-registrations", json=body, headers=from_address()
    )
    assert sent.status_code == 201, sent.text
    code = sent.json()["code"]
    assert re.match(CODE, code)
    # Single use: the same link refuses a second guest.
    again = await client.post(
        f"/v1/guest-links/{link['token']}/pre-registrations",
        json=details(),
        headers=from_address(),
    )
    assert (again.status_code, again.json()["code"]) == (410, "link-used")
    assert await outbox_mentions(db, body["id_number"]) == 0

    # Staff find it by a name without accents and by the code as read aloud.
    by_name = await client.get("/v1/pre-registrations", params={"q": "khai truoc"}, headers=headers)
    [entry] = by_name.json()["items"]
    assert entry["code"] == code and entry["guest"]["id_number"] == body["id_number"]
    assert entry["link_label"] == "Anh Kim, phòng đôi"
    spoken = code.replace("-", " ").lower()
    by_code = await client.get("/v1/pre-registrations", params={"q": spoken}, headers=headers)
    assert [e["code"] for e in by_code.json()["items"]] == [code]
    # Another facility's staff see nothing of it.
    other = staff(signer, await add_facility_view(db))
    assert (await client.get("/v1/pre-registrations", headers=other)).json()["items"] == []
    entry_id = entry["pre_registration_id"]
    refused = await client.post(
        f"/v1/pre-registrations/{entry_id}/confirm", json={"room": "12"}, headers=other
    )
    assert refused.status_code == 404

    # Confirmed at 22:30 local yesterday: deadline 23:00 that day, late since.
    arrived = (
        (datetime.now(UTC) - timedelta(days=1))
        .astimezone()
        .replace(hour=22, minute=30, second=0, microsecond=0)
    )
    arrival = arrived.strftime("%Y-%m-%dT22:30:00+07:00")
    key = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    confirmed = await client.post(
        f"/v1/pre-registrations/{entry_id}/confirm",
        json={"room": "12", "check_in_at": arrival},
        headers=key,
    )
    assert confirmed.status_code == 201, confirmed.text
    receipt = confirmed.json()
    assert receipt["received_at"] and receipt["receipt_number"]
    assert receipt["due_at"].endswith("16:00:00Z") and receipt["late_minutes"] > 0
    # The same key: the same receipt, nothing twice.
    retried = await client.post(
        f"/v1/pre-registrations/{entry_id}/confirm",
        json={"room": "12", "check_in_at": arrival},
        headers=key,
    )
    assert retried.json()["stay_id"] == receipt["stay_id"]

    async with db.connect() as conn:
        stay = (
            await conn.execute(
                text("SELECT source, room, full_name FROM ingest.stays WHERE id = :id"),
                {"id": receipt["stay_id"]},
            )
        ).one()
        left = await conn.scalar(
            text(
                "SELECT count(*) FROM ingest.pre_registrations WHERE code = :c AND facility_id = :f"
            ),
            {"c": code, "f": facility},
        )
    assert (stay.source, stay.room, stay.full_name) == ("self", "12", "Trần Thị Khai Trước")
    assert left == 0
    assert await outbox_mentions(db, body["id_number"]) == 1  # one GuestCheckedIn, now
    assert (await client.get("/v1/pre-registrations", headers=headers)).json()["items"] == []


async def test_a_guest_errors_come_per_field(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    link = await new_link(client, headers)
    sent = await client.post(
        f"/v1/guest-links/{link['token']}/pre-registrations",
        json=details(id_number="0751", notice_accepted=False, full_name=None),
        headers=from_address(),
    )
    assert sent.status_code == 422
    assert sent.headers["content-type"] == "application/problem+json"
    pointers = {e["pointer"] for e in sent.json()["errors"]}
    assert {"/id_number", "/notice_accepted", "/full_name"} <= pointers
    # Nothing used up by a refused entry.
    ok = await client.post(
        f"/v1/guest-links/{link['token']}/pre-registrations",
        json=details(),
        headers=from_address(),
    )
    assert ok.status_code == 201, ok.text


async def test_the_chip_card_qr_fills_the_guest(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    link = await new_link(client, headers)
    qr = "075190001234||Lê Văn Quét|01051990|Nam|Biên Hòa, Đồng Nai|01012022"
    sent = await client.post(
        f"/v1/guest-links/{link['token']}/pre-registrations",
        json={"qr": qr, "notice_accepted": True},
        headers=from_address(),
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["full_name"] == "Lê Văn Quét"
    [entry] = (await client.get("/v1/pre-registrations", headers=headers)).json()["items"]
    assert entry["guest"]["id_number"] == "075190001234"
    assert entry["guest"]["date_of_birth"] == "1990-05-01"


async def test_forged_expired_and_rotated_links_are_refused(app, signer, facility):
    client, headers = app.state.client, staff(signer, facility)
    link = await new_link(client, headers)
    token = link["token"]
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert (await client.get(f"/v1/guest-links/{forged}")).json()["code"] == "link-invalid"
    assert (await client.get("/v1/guest-links/not-a-token")).status_code == 404
    other_key = links.sign("another-secret-of-16+", uuid.UUID(link["link_id"]), datetime.now(UTC))
    assert (await client.get(f"/v1/guest-links/{other_key}")).status_code == 404
    # Signed with the key but with an expiry that has passed.
    past = links.sign(
        DEV_PRE_REGISTRATION_SECRET,
        uuid.UUID(link["link_id"]),
        datetime.now(UTC) - timedelta(minutes=1),
    )
    expired = await client.get(f"/v1/guest-links/{past}")
    assert (expired.status_code, expired.json()["code"]) == (410, "link-expired")

    first = await new_link(client, headers, kind="standing")
    assert first["max_entries"] is None
    assert (await client.get(f"/v1/guest-links/{first['token']}")).status_code == 200
    second = await new_link(client, headers, kind="standing")
    old = await client.get(f"/v1/guest-links/{first['token']}")
    assert (old.status_code, old.json()["code"]) == (410, "link-revoked")
    assert (await client.get(f"/v1/guest-links/{second['token']}")).status_code == 200
    listed = (await client.get("/v1/pre-registrations/links", headers=headers)).json()["items"]
    assert second["link_id"] in {x["link_id"] for x in listed}
    assert first["link_id"] not in {x["link_id"] for x in listed}


async def test_a_flood_is_capped_per_link_facility_and_address(app, signer, facility, db):
    client, headers = app.state.client, staff(signer, facility)
    standing = await new_link(client, headers, kind="standing")
    url = f"/v1/guest-links/{standing['token']}/pre-registrations"
    codes = []
    for _ in range(3):  # the link's cap (3 in this module)
        sent = await client.post(url, json=details(), headers=from_address())
        assert sent.status_code == 201, sent.text
        codes.append(sent.json()["code"])
    full = await client.post(url, json=details(), headers=from_address())
    assert (full.status_code, full.json()["code"]) == (429, "link-full")
    assert "quầy" in full.json()["detail"]
    # Another link of the same facility: the facility's cap (5) stops it at two more.
    group = await new_link(client, headers, guests=5)
    group_url = f"/v1/guest-links/{group['token']}/pre-registrations"
    for _ in range(2):
        assert (
            await client.post(group_url, json=details(), headers=from_address())
        ).status_code == 201
    capped = await client.post(group_url, json=details(), headers=from_address())
    assert (capped.status_code, capped.json()["code"]) == (429, "facility-list-full")
    listed = (await client.get("/v1/pre-registrations", headers=headers)).json()["items"]
    assert len(listed) == 5

    # One address sending to a facility of its own, over links under their cap: 4 in the
    # window, then 429 with the time to wait.
    one = from_address()
    fresh = staff(signer, await add_facility_view(db))
    urls = [
        f"/v1/guest-links/{(await new_link(client, fresh, guests=2))['token']}/pre-registrations"
        for _ in range(3)
    ]
    answers = [
        (await client.post(urls[i // 2], json=details(), headers=one)).status_code for i in range(4)
    ]
    limited = await client.post(urls[2], json=details(), headers=one)
    assert answers == [201] * 4
    assert (limited.status_code, limited.json()["code"]) == (429, "too-many-pre-registrations")
    assert int(limited.headers["retry-after"]) > 0
    # Another address still gets through.
    assert (await client.post(urls[2], json=details(), headers=from_address())).status_code == 201


async def test_expired_entries_vanish_at_once_and_retention_deletes_them(app, signer, facility, db):
    client, headers = app.state.client, staff(signer, facility)
    link = await new_link(client, headers, guests=2)
    url = f"/v1/guest-links/{link['token']}/pre-registrations"
    old = await client.post(url, json=details(), headers=from_address())
    young = await client.post(url, json=details(), headers=from_address())
    assert old.status_code == young.status_code == 201
    async with db.begin() as conn:  # the first was sent 73 hours ago
        await conn.execute(
            text(
                "UPDATE ingest.pre_registrations SET created_at = now() - interval '73 hours',"
                " expires_at = now() - interval '1 hour' WHERE facility_id = :f AND code = :c"
            ),
            {"f": facility, "c": old.json()["code"]},
        )
    listed = (await client.get("/v1/pre-registrations", headers=headers)).json()["items"]
    assert [e["code"] for e in listed] == [young.json()["code"]]
    [gone] = (
        await client.get("/v1/pre-registrations", params={"q": old.json()["code"]}, headers=headers)
    ).json()["items"] or [None]
    assert gone is None

    rules = [r for r in retention.rules(IngestSettings()) if "pre-registration" in r.data_class]
    done = await run_rules(db, rules)
    assert done["pending pre-registrations"] >= 1
    async with db.connect() as conn:
        codes = set(
            (
                await conn.execute(
                    text("SELECT code FROM ingest.pre_registrations WHERE facility_id = :f"),
                    {"f": facility},
                )
            ).scalars()
        )
    assert codes == {young.json()["code"]}
    # 72 hours on, the second one goes too.
    await run_rules(db, rules, now=datetime.now(UTC) + timedelta(hours=73))
    async with db.connect() as conn:
        left = await conn.scalar(
            text("SELECT count(*) FROM ingest.pre_registrations WHERE facility_id = :f"),
            {"f": facility},
        )
    assert left == 0


def test_production_refuses_the_development_secret():
    # Every other secret real, so the pre-registration secret is what is refused.
    real = {
        "environment": "prod",
        "database_url": "postgresql+asyncpg://u:real-pw@h/d",
        "kafka_password": "a-real-kafka-password",
    }
    with pytest.raises(ValueError, match="PRE_REGISTRATION_SECRET"):
        IngestSettings(**real)
    ok = IngestSettings(**real, pre_registration_secret="a-real-secret-of-enough-length")
    assert ok.pre_registration_secret != DEV_PRE_REGISTRATION_SECRET


def test_codes_are_readable_aloud():
    drawn = {links.new_code() for _ in range(2000)}
    assert not set("".join(drawn)) & set("01OI")
    assert links.normalize_code("k7m 4qx") == "K7M-4QX"
    assert links.normalize_code("K7M-4Q0") is None
