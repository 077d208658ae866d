"""A light first page: the sign-in page over a throttled phone connection ("fast 3G",
emulated by Chromium) transfers at most 150 KB and is usable within 3 s, loads no chart or QR
library and no page module; a second visit takes the versioned files from the cache. The
header is compact on a phone, and the first-login password hint is the rule accounts serves."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import ARTIFACTS, shot
from tests.e2e.console.helpers import admin_headers, new_facility, sign_in

PHONE = {"width": 390, "height": 844}
# Chromium's throttling, as DevTools' "fast 3G" is usually quoted: 1.6 Mbit/s down,
# 750 kbit/s up, 150 ms round trip.
FAST_3G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
BUDGET_BYTES = 150_000
BUDGET_SECONDS = 3.0


class Transfers:
    """Bytes on the wire per request, from the DevTools protocol's Network domain
    (encodedDataLength: headers and the body as sent, compressed or not)."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.cached: set[str] = set()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._finished)

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event) -> None:
        self.bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        self.urls.clear()
        self.bytes.clear()
        self.cached.clear()

    @property
    def total(self) -> int:
        return sum(self.bytes.values())

    def by_url(self) -> dict[str, int]:
        return {self.urls.get(k, k): v for k, v in self.bytes.items()}


def test_sign_in_page_is_light_over_fast_3g(browser: Browser, console: str):
    context = browser.new_context(base_url=console, viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    transfers = Transfers(cdp)
    try:
        # Cold: an empty cache, as on a first visit.
        started = time.perf_counter()
        page.goto("/", wait_until="commit")
        expect(page.get_by_label("Tên đăng nhập")).to_be_enabled()
        expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
        usable_s = time.perf_counter() - started
        page.wait_for_load_state("networkidle")
        cold = transfers.by_url()
        cold_bytes = transfers.total
        navigation = page.evaluate(
            """() => { const [n] = performance.getEntriesByType("navigation");
                 return {domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"""
        )
        shot(page, "first-page-phone")

        # Warm: the versioned files are kept (immutable); only the page is asked for again.
        transfers.reset()
        page.goto("/", wait_until="commit")
        expect(page.get_by_label("Tên đăng nhập")).to_be_enabled()
        page.wait_for_load_state("networkidle")
        warm_bytes = sum(v for k, v in transfers.bytes.items() if k not in transfers.cached)
        warm_fetched = [
            transfers.urls.get(k, k) for k in transfers.bytes if k not in transfers.cached
        ]
    finally:
        context.close()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = {
        "throttling": FAST_3G,
        "cold_bytes": cold_bytes,
        "usable_seconds": round(usable_s, 3),
        "navigation_ms": navigation,
        "warm_bytes": warm_bytes,
        "warm_fetched": warm_fetched,
        "files": cold,
    }
    (ARTIFACTS / "first-page-budget.json").write_text(json.dumps(report, indent=2))
    assert not errors, errors
    loaded = " ".join(cold)
    assert "/vendor/chart.js" not in loaded and "/vendor/jsqr.js" not in loaded, cold
    assert "/static/js/pages/" not in loaded, cold  # page modules come after sign-in
    assert all(
        re.search(r"\?v=[0-9a-f]{16}$", url)
        for url in cold
        if "/static/" in url or "/vendor/" in url
    ), cold
    assert cold_bytes <= BUDGET_BYTES, report
    assert usable_s <= BUDGET_SECONDS, report
    # Second visit: the page itself (revalidated), nothing of its modules or styles.
    assert not [u for u in warm_fetched if "/static/js/" in u or "/vendor/" in u], report
    assert warm_bytes <= 15_000, report


def test_the_compressed_files_are_the_files(console: str):
    page = httpx.get(console + "/", headers={"accept-encoding": "gzip"}, timeout=10)
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "no-cache"
    main = re.search(r'src="(/static/js/main\.js\?v=[0-9a-f]+)"', page.text).group(1)
    packed = httpx.get(console + main, headers={"accept-encoding": "gzip"}, timeout=10)
    plain = httpx.get(console + main, headers={"accept-encoding": "identity"}, timeout=10)
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.content == plain.content  # httpx decodes: the same module either way
    assert int(packed.headers["content-length"]) < int(plain.headers["content-length"]) / 2
    assert "immutable" in packed.headers["cache-control"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_header_is_compact_on_a_phone(page: Page, platform: Platform, lang: str):
    account = new_facility(platform, name="Khách sạn Thử Đầu Trang Có Tên Khá Dài Ở Biên Hòa")
    page.set_viewport_size(PHONE)
    sign_in(page, account.username, account.password)
    if lang == "en":
        page.get_by_test_id("lang-switch").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    header = page.locator("header.topbar")
    expect(header).to_be_visible()
    box = header.bounding_box()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"header-phone-{lang}.json").write_text(json.dumps(box))
    assert box["height"] <= 120, box
    # Everything in it is still there and on screen, nothing wider than the phone.
    for control in (page.get_by_test_id("lang-switch"), page.locator(".menu-toggle")):
        control_box = control.bounding_box()
        assert control_box["x"] >= 0 and control_box["x"] + control_box["width"] <= PHONE["width"]
    expect(page.get_by_test_id("who")).to_contain_text(account.username)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"header-phone-{lang}")


def test_first_login_hint_is_the_served_policy(page: Page, platform: Platform, console: str):
    policy = httpx.get(console + "/v1/password-policy", timeout=10)
    assert policy.status_code == 200
    text = policy.json()["text"]
    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin_headers(platform),
        json={
            "name": "Nhà nghỉ Gợi Ý",
            "facility_type": "guest_house",
            "province_code": 75,
            "commune_code": 26068,
            "rooms": 4,
            "beds": 6,
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    manager = created.json()["manager"]
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(manager["username"])
    page.get_by_label("Mật khẩu").fill(manager["one_time_password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đổi mật khẩu lần đầu")).to_be_visible()
    field = page.locator(".field").filter(has=page.get_by_label(re.compile(r"^Mật khẩu mới")))
    expect(field.locator(".hint")).to_have_text(text["vi"])
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("heading", name="Change your first password")).to_be_visible()
    new_password = page.get_by_role("textbox", name="New password", exact=True)
    field = page.locator(".field").filter(has=new_password)
    expect(field.locator(".hint")).to_have_text(text["en"])


def test_signing_in_offline_says_so_in_words(page: Page):
    page.goto("/")
    expect(page.get_by_label("Tên đăng nhập")).to_be_enabled()
    page.get_by_label("Tên đăng nhập").fill("ai.do")
    page.get_by_label("Mật khẩu").fill("Mot-Mat-Khau-2026")
    page.context.set_offline(True)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Mất kết nối mạng")
    assert "Failed to fetch" not in page.locator("body").inner_text()
    page.context.set_offline(False)
