"""The demo data that `scripts/run` loads goes through the public APIs of the running
services, so it must keep passing their rules as they grow."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.conftest import Platform
from tests.support import ROOT


def test_demo_seed_loads_and_is_idempotent(platform: Platform, tmp_path):
    env = {
        **os.environ,
        "LUUTRU_DEMO_STATE": str(tmp_path / "demo.json"),
        "LUUTRU_BOOTSTRAP_ADMIN_USERNAME": platform.admin[0],
        "LUUTRU_BOOTSTRAP_ADMIN_PASSWORD": platform.admin[1],
    }
    command = [
        sys.executable,
        str(ROOT / "scripts" / "seed_demo.py"),
        "--accounts", platform.urls["accounts"],
        "--ingest", platform.urls["ingest"],
        "--analytics", platform.urls["analytics"],
        "--guests-per-facility", "6",
    ]  # fmt: skip
    for _ in range(2):  # the second run reuses the facilities and re-sends the same guests
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Guests registered today: 30" in done.stdout
    # Every demo account (6 facilities with the coach operator, 4 analysts, 1 commune officer)
    # had its one-time password changed to the printed one.
    assert done.stdout.count("QuanLy-Demo-2026!") == 11
    assert "web console" in done.stdout
