"""Every page of the console, for each kind of user, on a phone and on a desk: no serious
accessibility violation found by axe-core (labels, names, contrast, ARIA), no sideways
scrolling of the page on a phone, and the navigation usable by keyboard alone."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.console.conftest import shot
from tests.e2e.console.helpers import new_facility, new_user, sign_in
from tests.support import ROOT

pytestmark = pytest.mark.runs_long(100)  # seconds, about: handed to a worker first

AXE = ROOT / "services" / "console" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 860}


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return found


@pytest.fixture
def accounts(platform: Platform) -> dict:
    return {
        "police-admin": platform.admin,
        "facility": _pair(new_facility(platform)),
        "coach": _pair(
            new_facility(
                platform,
                facility_type="coach",
                star_rating=None,
                rooms=None,
                beds=None,
                vehicles=4,
                seats=160,
            )
        ),
        "analyst": _pair(new_user(platform, "department_analyst", department="VHTTDL")),
    }


def _pair(account) -> tuple[str, str]:
    return account.username, account.password


@pytest.mark.parametrize("who", ["police-admin", "facility", "coach", "analyst"])
def test_every_page_is_accessible_on_phone_and_desk(
    browser: Browser, console: str, accounts: dict, who: str
):
    # The page's CSP forbids injected scripts; axe is injected by the test only.
    context = browser.new_context(base_url=console, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.set_viewport_size(DESK)
        page.goto("/")
        login_problems = axe_violations(page)
        assert not login_problems, json.dumps(login_problems, ensure_ascii=False, indent=1)
        sign_in(page, *accounts[who])
        links = page.get_by_role("navigation").get_by_role("link")
        expect(links.first).to_be_visible()
        targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert targets, "no pages in the navigation"
        report = {}
        for viewport_name, viewport in (("desk", DESK), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            for href in targets:
                page.goto("/" + href)
                # Not "network idle": the alerts page keeps its live stream open.
                expect(page.locator("main h1")).to_be_visible()
                expect(page.locator(".loading")).to_have_count(0)
                page.wait_for_timeout(300)  # charts settle
                name = f"a11y-{who}-{viewport_name}-{re.sub(r'[^a-z0-9]+', '-', href)}"
                shot(page, name.strip("-"))
                problems = axe_violations(page)
                if problems:
                    report[f"{viewport_name} {href}"] = problems
                if viewport_name == "phone":
                    width = page.evaluate(
                        "[document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if width[0] > width[1] + 1:
                        report[f"phone {href} scrolls sideways"] = width
        assert not report, json.dumps(report, ensure_ascii=False, indent=1)
        assert not errors, errors
        missing = page.evaluate("[...(window.__luutruMissingKeys || [])]")
        assert not missing, missing
    finally:
        context.close()


def test_navigation_works_by_keyboard_alone(page: Page, platform: Platform):
    sign_in(page, *platform.admin)
    links = page.get_by_role("navigation").get_by_role("link")
    expect(links.first).to_be_visible()
    second = links.nth(1)
    target = second.get_attribute("href")
    # Tab from the top of the page until the second menu entry has the focus, then Enter.
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        pytest.fail(f"{target} cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(second).to_have_attribute("aria-current", "page")
