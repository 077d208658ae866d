"""What the benchmarks read of the machine's processes (/proc): their CPU so far, and the
local Kafka broker's pid."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds(pid: int, *, children: bool = False, reaped: bool = False) -> float:
    """CPU time (user + system) a process has used so far; ``children``: with its live
    children (uvicorn's `--workers`, a postmaster's backends); ``reaped``: with the children it
    has already waited for (a postmaster's ended backends)."""
    proc = Path(f"/proc/{pid}")
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11 : 15 if reaped else 13])
    if children:
        with contextlib.suppress(OSError):
            for child in (proc / "task" / str(pid) / "children").read_text().split():
                with contextlib.suppress(OSError):  # ended meanwhile
                    stat = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                    ticks += int(stat[11]) + int(stat[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def kafka_pid() -> int | None:
    """The broker infra/local.sh started (its pid file), if there is one."""
    path = Path(os.environ.get("LUUTRU_LOCAL_DIR", ROOT / ".local")) / "kafka" / "kafka.pid"
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().strip())
    return None
