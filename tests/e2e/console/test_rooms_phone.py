"""The room board on a phone (390×844): the staff's home is a grid of room tiles saying each
room's state in words (and colour), readable by a screen reader; a tap opens the room with
its guests, a guest is moved to another room and checked out from there, a guest is checked
in from a tile; the manager keeps the registry in the settings; the police see a facility's
rooms in the registry view."""

from __future__ import annotations

import random
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import (
    Account,
    assert_for_people,
    check_in,
    known_to_ingest,
    new_facility,
    new_user,
    sign_in,
)
from tests.e2e.console.test_accessibility import AXE

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = {"width": 390, "height": 844}


def id_number() -> str:
    return f"075090{random.randrange(10**6):06d}"


def guest(name: str, **extra) -> dict:
    return {
        "full_name": name,
        "date_of_birth": "1990-05-01",
        "gender": "female",
        "id_number": id_number(),
        "check_in_at": (datetime.now(VN) - timedelta(hours=3)).isoformat(timespec="seconds"),
        **extra,
    }


@pytest.fixture(scope="module")
def hotel(platform: Platform) -> Account:
    account = new_facility(platform, name=f"Khách sạn Phòng {uuid.uuid4().hex[:4]}")
    return known_to_ingest(platform, account)


def rooms_api(platform: Platform, account: Account, path: str = "", **kw) -> httpx.Response:
    return httpx.request(
        kw.pop("method", "GET"),
        platform.url("ingest", f"/v1/rooms/{account.facility_id}{path}"),
        headers=account.headers(platform),
        timeout=30,
        **kw,
    )


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical WCAG 2.1 AA findings of axe-core. Evaluated through the browser's
    debugging protocol, which the page's CSP (no injected scripts) does not govern."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )


def tile(page: Page, number: str):
    return page.get_by_test_id("room-grid").locator(f'[data-room="{number}"]')


def test_the_board_is_home_and_works_by_tapping(page: Page, platform: Platform, hotel: Account):
    made = rooms_api(platform, hotel, "/range", method="POST", json={"range": "101–104", "beds": 2})
    assert made.status_code == 201, made.text
    ids = {r["number"]: r["room_id"] for r in made.json()["rooms"]}
    out = rooms_api(platform, hotel, f"/{ids['104']}/out-of-service", method="POST", json={})
    assert out.status_code == 200
    today = datetime.now(VN).date()
    lan = f"Trần Thị Lan {uuid.uuid4().hex[:4]}"
    mai = f"Lê Thị Mai {uuid.uuid4().hex[:4]}"
    check_in(platform, hotel, guest(lan, room="101", expected_check_out=str(today)))
    stay = check_in(
        platform, hotel, guest(mai, room="102", expected_check_out=str(today + timedelta(days=2)))
    )

    page.set_viewport_size(PHONE)
    sign_in(page, hotel.username, hotel.password)
    # Home: the board, one tile per room, the state in words.
    expect(page.get_by_role("heading", name="Sơ đồ phòng")).to_be_visible()
    expect(page.get_by_test_id("room-tile")).to_have_count(4)
    expect(tile(page, "101")).to_contain_text("Trả phòng hôm nay")
    expect(tile(page, "102")).to_contain_text("Có khách")
    expect(tile(page, "103")).to_contain_text("Trống")
    expect(tile(page, "104")).to_contain_text("Ngừng sử dụng")
    # A screen reader hears the whole tile as one button.
    expect(
        page.get_by_role(
            "button", name=re.compile(r"^Phòng\s+102\s*:\s*Có khách\s*,\s*1 khách \/ 2 giường$")
        )
    ).to_be_visible()
    assert axe_violations(page) == []
    assert_for_people(page)
    shot(page, "rooms-board-phone")

    # Move Mai from 102 to 103: a correction at the time of the move.
    tile(page, "102").click()
    panel = page.get_by_test_id("room-panel")
    expect(panel.get_by_role("heading", name="Phòng 102")).to_be_focused()
    expect(panel).to_contain_text(mai)
    panel.get_by_role("button", name=f"Chuyển phòng cho {mai}").click()
    page.get_by_label("Chuyển đến phòng").select_option(label="Phòng 103 (còn 2 giường)")
    page.get_by_role("button", name="Chuyển", exact=True).click()
    expect(page.get_by_text(f"Đã chuyển {mai} sang phòng 103.")).to_be_visible()
    expect(tile(page, "103")).to_contain_text("Có khách")
    expect(tile(page, "102")).to_contain_text("Trống")
    moved = httpx.get(
        platform.url("ingest", f"/v1/stays/{stay['stay_id']}"),
        headers=hotel.headers(platform),
        timeout=30,
    ).json()
    assert (moved["room"], moved["version"]) == ("103", 2)

    # Check Lan out from room 101.
    tile(page, "101").click()
    page.get_by_role("button", name=f"Trả phòng cho {lan}").click()
    page.get_by_role("button", name="Xác nhận trả phòng").click()
    expect(tile(page, "101")).to_contain_text("Trống")

    # Check a guest in from a free room: the form comes with the room.
    tile(page, "102").click()
    page.get_by_role("link", name="Khai báo khách vào phòng này").click()
    expect(page.get_by_role("heading", name="Khai báo khách")).to_be_visible()
    expect(page.get_by_label("Phòng / giường")).to_have_value("102")
    assert_for_people(page)


def test_the_manager_keeps_the_registry(page: Page, platform: Platform, hotel: Account):
    page.set_viewport_size(PHONE)
    sign_in(page, hotel.username, hotel.password)
    page.goto("/#/rooms/settings")
    expect(page.get_by_role("heading", name="Danh sách phòng", exact=True)).to_be_visible()
    form = page.get_by_test_id("add-range")
    form.get_by_label("Dãy số phòng").fill("A1–B3")
    form.get_by_role("button", name="Thêm").click()
    expect(form.locator(".field-error")).to_contain_text("cùng ký hiệu")
    form.get_by_label("Dãy số phòng").fill("A1–A3")
    form.get_by_label("Tầng").fill("2")
    form.get_by_role("button", name="Thêm").click()
    expect(page.get_by_text("Đã thêm 3 phòng.")).to_be_visible()
    table = page.get_by_test_id("room-table")
    for number in ("A1", "A2", "A3"):
        expect(table.get_by_role("cell", name=number, exact=True)).to_be_visible()
    page.get_by_role("button", name="Ngừng sử dụng: phòng A2").click()
    expect(page.get_by_text("Đã lưu phòng A2.")).to_be_visible()
    state = rooms_api(platform, hotel, params={"state": "out_of_service"}).json()["items"]
    assert "A2" in {r["number"] for r in state}
    assert axe_violations(page) == []
    assert_for_people(page)
    shot(page, "rooms-settings-phone")


def test_police_see_a_facilitys_rooms(page: Page, platform: Platform, hotel: Account):
    made = rooms_api(platform, hotel, method="POST", json={"number": "C9", "beds": 3})
    assert made.status_code == 201, made.text
    officer = new_user(platform, "police_officer", communes=[26068])
    page.set_viewport_size(PHONE)
    sign_in(page, officer.username, officer.password)
    page.goto(f"/#/facilities/{hotel.facility_id}")
    rooms = page.get_by_test_id("facility-rooms")
    expect(rooms.get_by_role("heading", name="Phòng của cơ sở")).to_be_visible()
    expect(rooms.get_by_role("cell", name="C9", exact=True)).to_be_visible()
    expect(rooms.get_by_role("button", name="Bỏ phòng: phòng C9")).to_have_count(0)
    assert_for_people(page)
