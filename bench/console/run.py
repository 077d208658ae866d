"""What the web console costs: the extra hop of its pass-through, and how fast its pages load.

Against a running platform (`scripts/run`: console on 8000, accounts 8001, ingest 8002, demo
accounts), run on purpose:

    uv run python -m bench.console.run [--requests 2000] [--concurrency 16]

1. Latency of the same API call made directly to its service and through the console
   (GET /v1/stays?date=today as the demo motel's manager: a real read with a token check and
   a query), closed loop at the given concurrency; p50 / p90 / p99 and rate.
2. A 10,000-guest batch (POST /v1/stays/batch, ~2 MB of JSON) and a 4.5 MB guest-list
   upload, each direct and through the console (as the demo hospital, on days long past): the pass-through streams bodies, so the extra time
   should stay small against the work itself.
3. Page loads in headless Chromium (Debian's package): sign-in to the first drawn page, and
   each main page opened afresh (a full load of the page and its modules, the session kept
   in the tab) until its data is on screen (no '.loading' left), for each demo role.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

CONSOLE = "http://127.0.0.1:8000"
INGEST = "http://127.0.0.1:8002"
ACCOUNTS = "http://127.0.0.1:8001"
PASSWORD = "QuanLy-Demo-2026!"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def token(username: str, password: str) -> str:
    response = httpx.post(
        f"{ACCOUNTS}/v1/auth/token", json={"username": username, "password": password}
    )
    response.raise_for_status()
    return response.json()["access_token"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def closed_loop(url: str, headers: dict, requests: int, concurrency: int) -> dict:
    latencies: list[float] = []
    queue = iter(range(requests))
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:

        async def worker():
            for _ in queue:
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "rate": requests / elapsed,
        "p50": statistics.median(latencies),
        "p90": percentile(latencies, 0.9),
        "p99": percentile(latencies, 0.99),
    }


def guests(n: int) -> list[dict]:
    day = datetime.now(VN).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=400 + int(uuid.uuid4().int % 300)
    )
    out = []
    for i in range(n):
        out.append(
            {
                "full_name": f"Nguyễn Văn Thử {i}",
                "date_of_birth": "1990-05-01",
                "gender": "male",
                "id_number": f"0750900{uuid.uuid4().int % 10**5:05d}",
                "check_in_at": (day + timedelta(minutes=i % 600)).isoformat(),
                "room": str(100 + i % 50),
            }
        )
    return out


def timed_post(url: str, headers: dict, **kwargs) -> float:
    started = time.perf_counter()
    response = httpx.post(url, headers=headers, timeout=300, **kwargs)
    assert response.status_code in (200, 201, 202), response.text[:500]
    return time.perf_counter() - started


def guest_list_csv(rows: int) -> bytes:
    lines = ["Họ và tên,Ngày sinh,Giới tính,Số định danh,Phòng,Ngày đến"]
    for i in range(rows):
        lines.append(
            f"Trần Thị Bench {i},01/05/1991,Nữ,0751910{uuid.uuid4().int % 10**5:05d},"
            f"{100 + i % 50},01/01/2024 14:00"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def page_loads() -> list[tuple[str, str, float]]:
    from playwright.sync_api import expect, sync_playwright

    results = []
    with sync_playwright() as p:
        chromium = os.environ.get("LUUTRU_CHROMIUM") or shutil.which("chromium")
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for user, password, pages in (
            ("ql.75-000003", PASSWORD, ["/#/guests", "/#/check-in", "/#/guest-list"]),
            ("admin", "ChangeMe-2026!", ["/#/police/alerts", "/#/police/compliance", "/#/facilities", "/#/audit"]),
            ("sovhttdl.demo", PASSWORD, ["/#/analyst"]),
        ):  # fmt: skip
            context = browser.new_context(base_url=CONSOLE, viewport={"width": 1280, "height": 860})
            page = context.new_page()
            page.goto("/")
            started = time.perf_counter()
            page.get_by_label("Tên đăng nhập").fill(user)
            page.get_by_label("Mật khẩu").fill(password)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page.get_by_test_id("who")).to_be_visible(timeout=30_000)
            results.append((user, "sign-in → shell", time.perf_counter() - started))
            for path in pages:
                page.goto("about:blank")
                started = time.perf_counter()
                page.goto(CONSOLE + path)
                expect(page.locator("main h1")).to_be_visible(timeout=30_000)
                expect(page.locator(".loading")).to_have_count(0, timeout=30_000)
                results.append((user, path, time.perf_counter() - started))
            context.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    print(f"# {datetime.now():%Y-%m-%d %H:%M} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} cores · load {os.getloadavg()[0]:.1f}")  # fmt: skip
    manager = {"Authorization": f"Bearer {token('ql.75-000003', PASSWORD)}"}
    writer = {"Authorization": f"Bearer {token('ql.75-000006', PASSWORD)}"}
    today = datetime.now(VN).date().isoformat()
    path = f"/v1/stays?date={today}"
    for label, base in (
        ("direct", INGEST),
        ("console", CONSOLE),
        ("direct", INGEST),
        ("console", CONSOLE),
    ):
        r = asyncio.run(closed_loop(base + path, manager, args.requests, args.concurrency))
        print(f"GET stays {label:8} {r['rate']:7.0f} req/s  p50 {r['p50']:6.1f}  p90 {r['p90']:6.1f}  "
              f"p99 {r['p99']:6.1f} ms")  # fmt: skip
    for label, base in (("direct", INGEST), ("console", CONSOLE)):
        batch = {"guests": guests(10_000)}  # new documents each time: no duplicates
        seconds = timed_post(f"{base}/v1/stays/batch", writer, json=batch)
        print(f"batch 10k {label:8} {seconds:6.2f} s  ({10_000 / seconds:,.0f} guests/s)")
    for label, base in (("direct", INGEST), ("console", CONSOLE)):
        body = guest_list_csv(60_000)
        seconds = timed_post(
            f"{base}/v1/uploads", writer, files={"file": ("khach.csv", body, "text/csv")}
        )
        print(f"upload {len(body) / 1e6:.1f} MB {label:8} {seconds * 1000:6.0f} ms to 202")
    for user, page, seconds in page_loads():
        print(f"page {user:14} {page:22} {seconds * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
