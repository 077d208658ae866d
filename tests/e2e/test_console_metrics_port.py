"""The console as it is deployed: its request latency is scraped from a port of its own,
while the public port (everything the Gateway sends "/") does not serve the metrics."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.support import E2E_PORT_BASE

WEB_PORT = E2E_PORT_BASE + 45
METRICS_PORT = E2E_PORT_BASE + 46


def _get(url: str, deadline_s: float = 20.0) -> httpx.Response:
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_the_console_serves_its_metrics_on_their_own_port_only(tmp_path):
    log = (tmp_path / "console.log").open("wb")
    console = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "luutru_console",
            "serve",
            "--port",
            str(WEB_PORT),
            "--metrics-port",
            str(METRICS_PORT),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        web = f"http://127.0.0.1:{WEB_PORT}"
        assert _get(f"{web}/livez").status_code == 200
        assert _get(f"{web}/static/no-such-file.js").status_code == 404

        public = _get(f"{web}/metrics")
        assert public.status_code == 404
        assert "luutru_http_request_seconds" not in public.text

        scraped = _get(f"http://127.0.0.1:{METRICS_PORT}/metrics").text
        series = {
            line.split(" ")[0]
            for line in scraped.splitlines()
            if line.startswith("luutru_http_request_seconds_count{")
        }
        assert any('route="/livez"' in s and 'status="200"' in s for s in series), scraped[-2000:]
        assert any('route="/static/{name:path}"' in s and 'status="404"' in s for s in series)
        assert all('service="console"' in s for s in series)
    finally:
        console.terminate()
        console.wait(timeout=10)
        log.close()
