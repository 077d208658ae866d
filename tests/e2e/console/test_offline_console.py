"""The staff console without a connection: three guests registered with the network switched
off (Chromium's offline emulation) are kept on the device and counted in the header as
"chờ gửi"; back online they go by themselves, in order, each once — exactly three stays, each
with its receipt (the server's, with when it received it) and the arrival time entered, not
the time it was sent. The console installs as an app (manifest, service worker); reloaded
offline, its page opens from what the service worker kept, with its user still signed in."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import Account, known_to_ingest, new_facility, sign_in
from tests.integration.ingest_helpers import id_number

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def lodging(platform: Platform) -> Account:
    account = new_facility(
        platform, name=f"Nhà trọ Mất Mạng {uuid.uuid4().hex[:4]}", facility_type="boarding_house",
        star_rating=None, rooms=8, beds=12,
    )  # fmt: skip
    return known_to_ingest(platform, account)


def stays_of(
    platform: Platform, account: Account, numbers: list[str], day: date | None = None
) -> list[dict]:
    """The facility's stays of `day` (today in Vietnam) with these ID numbers."""
    day = day or datetime.now(VN).date()
    items = httpx.get(
        platform.url("ingest", "/v1/stays"),
        params={"date": day.isoformat()},
        headers=account.headers(platform),
        timeout=30,
    ).json()["items"]
    return [s for s in items if s["document_number"] in numbers]


def test_three_guests_offline_then_online_make_exactly_three_stays(
    page: Page, platform: Platform, lodging: Account
):
    sign_in(page, lodging.username, lodging.password)
    page.goto("/#/check-in")
    expect(page.get_by_label("Họ và tên")).to_be_visible()
    page.context.set_offline(True)
    # An arrival 40 minutes ago, entered by hand: the stay keeps it, whenever it is sent.
    arrived = (datetime.now(VN) - timedelta(minutes=40)).replace(second=0, microsecond=0)
    numbers = []
    for i in range(3):
        number = id_number(1980 + i)
        numbers.append(number)
        page.get_by_label("Họ và tên").fill(f"Ngô Văn Mạng {i} {uuid.uuid4().hex[:3].upper()}")
        page.get_by_label("Ngày sinh").fill(f"{1980 + i}-02-0{i + 1}")
        page.get_by_label("Giới tính").select_option("male")
        page.get_by_label("Số định danh cá nhân").fill(number)
        page.get_by_label("Thời điểm đến").fill(arrived.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="Gửi khai báo").click()
        kept = page.get_by_test_id("check-in-offline")
        expect(kept).to_have_attribute("data-queued", "true")
        expect(kept).to_contain_text("chờ gửi")
        expect(page.get_by_test_id("outbox-count")).to_have_text(f"Chờ gửi: {i + 1}")
        kept.get_by_role("button", name="Khai báo khách tiếp theo").click()
        expect(page.get_by_label("Họ và tên")).to_have_value("")
    shot(page, "offline-three-waiting")
    # Their arrival's day: 40 minutes ago is yesterday in the first 40 minutes after midnight.
    assert stays_of(platform, lodging, numbers, arrived.date()) == []  # nothing reached the server

    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_count(0, timeout=30_000)
    stays = stays_of(platform, lodging, numbers, arrived.date())
    assert sorted(s["document_number"] for s in stays) == sorted(numbers)  # once each
    for stay in stays:
        assert stay["receipt_number"]
        assert datetime.fromisoformat(stay["check_in_at"]) == arrived
        assert datetime.fromisoformat(stay["received_at"]) > arrived

    # The server's receipts replace the local ones.
    page.goto("/#/outbox")
    sent = page.get_by_test_id("outbox-sent").get_by_test_id("receipt")
    expect(sent).to_have_count(3)
    numbers_shown = set(sent.get_by_test_id("receipt-number").all_inner_texts())
    assert numbers_shown == {s["receipt_number"] for s in stays}
    expect(sent.first.get_by_test_id("receipt-received")).to_be_visible()
    shot(page, "offline-three-sent")

    # A later retry of the same records (a reload re-sending) stores nothing more.
    page.reload()
    expect(page.get_by_test_id("who")).to_contain_text(lodging.username)
    page.wait_for_timeout(1500)
    assert len(stays_of(platform, lodging, numbers, arrived.date())) == 3


def test_a_refused_record_comes_back_with_the_servers_message(
    page: Page, platform: Platform, lodging: Account
):
    sign_in(page, lodging.username, lodging.password)
    page.goto("/#/check-in")
    expect(page.get_by_label("Họ và tên")).to_be_visible()
    number = id_number(1975)
    page.get_by_label("Họ và tên").fill(f"Đỗ Văn Sai {uuid.uuid4().hex[:3].upper()}")
    page.get_by_label("Ngày sinh").fill("1975-01-01")
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_label("Số định danh cá nhân").fill(number)
    # Kept offline with an arrival the server refuses (more than a day ahead).
    ahead = datetime.now(VN) + timedelta(days=3)
    page.get_by_label("Thời điểm đến").fill(ahead.strftime("%Y-%m-%dT%H:%M"))
    page.context.set_offline(True)
    page.get_by_role("button", name="Gửi khai báo").click()
    expect(page.get_by_test_id("check-in-offline")).to_have_attribute("data-queued", "true")
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("Chờ gửi: 1", timeout=30_000)
    page.goto("/#/outbox")
    refused = page.get_by_test_id("outbox-refused")
    expect(refused).to_have_count(1, timeout=30_000)
    expect(refused).to_contain_text("Đỗ Văn Sai")
    assert stays_of(platform, lodging, [number]) == []
    refused.get_by_role("button", name="Bỏ bản khai này").click()
    expect(page.get_by_test_id("outbox-count")).to_have_count(0)


def test_the_console_installs_and_opens_offline(
    page: Page, platform: Platform, lodging: Account, console: str
):
    manifest = httpx.get(console + "/static/manifest.webmanifest", timeout=10)
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/"
    sign_in(page, lodging.username, lodging.password)
    assert page.locator('link[rel="manifest"]').count() == 1
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker's control
    expect(page.get_by_test_id("who")).to_contain_text(lodging.username)
    page.context.set_offline(True)
    page.reload()
    # The console's own page from the kept shell, its user still signed in, the staff pages
    # open: a check-in made now waits on the device and goes once the network is back.
    expect(page.get_by_test_id("who")).to_contain_text(lodging.username)
    page.goto("/#/check-in")
    expect(page.get_by_label("Họ và tên")).to_be_visible()
    number = id_number(1966)
    page.get_by_label("Họ và tên").fill(f"Lâm Văn Tải Lại {uuid.uuid4().hex[:3].upper()}")
    page.get_by_label("Ngày sinh").fill("1966-06-06")
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_label("Số định danh cá nhân").fill(number)
    page.get_by_role("button", name="Gửi khai báo").click()
    expect(page.get_by_test_id("check-in-offline")).to_have_attribute("data-queued", "true")
    expect(page.get_by_test_id("outbox-count")).to_have_text("Chờ gửi: 1")
    shot(page, "offline-reload")
    page.context.set_offline(False)
    expect(page.get_by_test_id("receipt")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("outbox-count")).to_have_count(0)
    assert len(stays_of(platform, lodging, [number])) == 1
