"""The console's shell: sign-in, the first-login password change, the role's navigation,
the language switch, and the API forwarding with the user's own token."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import admin_headers, new_facility, sign_in


def test_wrong_password_is_refused_next_to_the_form(page: Page):
    page.goto("/")
    shot(page, "sign-in")
    page.get_by_label("Tên đăng nhập").fill("nobody")
    page.get_by_label("Mật khẩu").fill("wrong-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")


def test_first_login_changes_the_one_time_password(page: Page, platform: Platform):
    created = httpx.post(
        platform.url("accounts", "/v1/facilities"),
        headers=admin_headers(platform),
        json={
            "name": "Nhà nghỉ Lần Đầu",
            "facility_type": "guest_house",
            "province_code": 75,
            "commune_code": 26068,
            "rooms": 5,
            "beds": 8,
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    manager = created.json()["manager"]
    sign_in_form = page.goto("/")
    assert sign_in_form.ok
    page.get_by_label("Tên đăng nhập").fill(manager["username"])
    page.get_by_label("Mật khẩu").fill(manager["one_time_password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đổi mật khẩu lần đầu")).to_be_visible()
    shot(page, "first-password")
    page.get_by_label("Mật khẩu hiện tại").fill(manager["one_time_password"])
    page.get_by_label(re.compile(r"^Mật khẩu mới")).fill("Mật-Khẩu-Mới-2026")
    page.get_by_label("Nhập lại mật khẩu mới").fill("Mật-Khẩu-Khác-2026")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    # A mismatch is shown next to the field it concerns, before anything is sent.
    expect(page.locator(".has-error")).to_contain_text("Hai mật khẩu mới không giống nhau")
    page.get_by_label("Nhập lại mật khẩu mới").fill("Mật-Khẩu-Mới-2026")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_test_id("who")).to_contain_text("Nhà nghỉ Lần Đầu")
    # The new password is the one accounts now accepts.
    token = httpx.post(
        platform.url("accounts", "/v1/auth/token"),
        json={"username": manager["username"], "password": "Mật-Khẩu-Mới-2026"},
        timeout=30,
    )
    assert token.status_code == 200


def test_language_switch_and_role_navigation(page: Page, platform: Platform):
    sign_in(page, *platform.admin)
    expect(page).to_have_url(re.compile(r"#/police/alerts$"))  # the police land on live alerts
    nav = page.get_by_role("navigation")
    expect(nav).to_be_visible()
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()  # the choice is remembered
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_console_forwards_api_calls_with_the_callers_token(console: str, platform: Platform):
    # No token: the service's own problem+json comes back through the console.
    refused = httpx.get(f"{console}/v1/facilities", timeout=10)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    listed = httpx.get(f"{console}/v1/facilities", headers=admin_headers(platform), timeout=10)
    assert listed.status_code == 200
    assert "items" in listed.json() or isinstance(listed.json(), list)
    unknown = httpx.get(f"{console}/v1/nothing-here", timeout=10)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not-found"
    page = httpx.get(console + "/", timeout=10)
    assert "script-src 'self' 'sha256-" in page.headers["content-security-policy"]


def test_each_kind_of_facility_sees_its_own_pages(page: Page, platform: Platform):
    coach = new_facility(
        platform,
        facility_type="coach",
        star_rating=None,
        rooms=None,
        beds=None,
        vehicles=2,
        seats=80,
    )
    hotel = new_facility(platform)
    sign_in(page, coach.username, coach.password)
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link").first).to_have_attribute("href", "#/trips")
    hrefs = nav.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "#/guests" not in hrefs and "#/check-in" not in hrefs
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, hotel.username, hotel.password)
    # The room board is a lodging facility's home; today's guests come next.
    expect(nav.get_by_role("link").first).to_have_attribute("href", "#/rooms")
    hrefs = nav.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "#/guests" in hrefs and "#/check-in" in hrefs
    assert not [h for h in hrefs if "trip" in h]
    # Neither sees police or department pages.
    assert not [h for h in hrefs if h.startswith(("#/police", "#/analyst", "#/facilities"))]


def refresh_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "luutru_refresh"), None)


def test_tokens_are_out_of_reach_of_page_scripts_and_sign_out_revokes_the_session(
    page: Page, platform: Platform
):
    sign_in(page, *platform.admin)
    cookie = refresh_cookie(page)
    assert cookie is not None
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"], cookie["path"]) == (
        True,
        True,
        "Strict",
        "/console/auth",
    )
    # No token anywhere a script of the page could read it.
    readable = page.evaluate(
        """() => [document.cookie, ...Object.values(sessionStorage),
                  ...Object.values(localStorage)].join(' ')"""
    )
    assert "luutru_refresh" not in readable and "eyJ" not in readable
    # A reload loses the in-memory access token; the console's server refreshes through the
    # cookie (rotating the refresh token) and the session goes on.
    page.reload()
    page.goto("/#/facilities")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".loading")).to_have_count(0)
    expect(page.locator(".banner.error")).to_have_count(0)
    rotated = refresh_cookie(page)
    assert rotated is not None and rotated["value"] != cookie["value"]
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.wait_for_function("() => !sessionStorage.getItem('luutru.username')")

    def refused():
        response = httpx.post(
            platform.url("accounts", "/v1/auth/token"),
            json={"grant_type": "refresh_token", "refresh_token": rotated["value"]},
            timeout=10,
        )
        return response if response.status_code != 200 else None

    for _ in range(50):  # the logout call goes out as the page signs out; its answer
        if refresh_cookie(page) is None:  # clears the cookie
            break
        page.wait_for_timeout(100)
    assert refresh_cookie(page) is None
    assert refused().status_code in (400, 401)  # signing out revoked the session


def test_a_crafted_link_cannot_steer_the_pages_api_calls(page: Page, platform: Platform):
    """A record id from the address goes into API paths; one that would change the path
    ('../../v1/police/…') matches no page, and no such call is made."""
    sign_in(page, *platform.admin)
    called = []
    page.on("request", lambda r: called.append(r.url) if "/v1/police" in r.url else None)
    page.goto("/#/facilities/..%2F..%2Fv1%2Fpolice%2Fforeign-guests%3Fpurpose%3Dx")
    expect(page.get_by_text("Không có trang này.")).to_be_visible()
    page.goto("/#/guests/%E0%A4%A")  # does not even decode: no page, no crash
    expect(page.get_by_text("Không có trang này.")).to_be_visible()
    assert not called
