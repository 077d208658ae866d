"""What the benchmarks read of the machine's processes (/proc): their CPU so far, and the
local Kafka broker's pid."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """CPU time (user + system) a process and its live children (uvicorn's `--workers`) have
    used so far; ``reaped``: with the children it has already waited for (a postmaster's
    ended backends)."""
    proc = Path(f"/proc/{pid}")
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11 : 15 if reaped else 13])
    with contextlib.suppress(OSError):
        for child in (proc / "task" / str(pid) / "children").read_text().split():
            with contextlib.suppress(OSError):  # ended meanwhile
                child_fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(child_fields[11]) + int(child_fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def kafka_pid() -> int | None:
    """The broker infra/local.sh started (its pid file), if there is one."""
    path = Path(os.environ.get("LUUTRU_LOCAL_DIR", ROOT / ".local")) / "kafka" / "kafka.pid"
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().strip())
    return None
