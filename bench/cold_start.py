"""Cold start: how long each service takes from launch to its first `/readyz` 200, and where
that time goes.

    uv run python -m bench.cold_start [--runs 3] [--port 32100]

For each service, `--runs` times, one process at a time (as an orchestrator restarts one
pod): `luutru-<service> serve` is launched on a database of its own (migrated beforehand, as
`migrate` runs before `serve` in deploy/), and polled every 10 ms. Reported per run:

- **listening**: the first answer of `/livez` — the imports, building the app and its lifespan
  (database pool, the first revocation-list fetch, the accounts signing key) are done;
- **ready**: the first 200 of `/readyz` (PostgreSQL answered a query, Kafka reachable);
- **CPU**: the process's user + system time at that moment (on a loaded machine the wall
  time is CPU time plus the wait for a core);
- **import**: importing the service's app module alone in a fresh interpreter (wall and CPU),
  the largest share of the CPU.

accounts runs first and stays up: ingest and analytics fetch the revocation list from it at
startup, as in production. The console starts without the other services (its readiness
does not depend on them). Needs the local PostgreSQL and Kafka (LUUTRU_PG_PORT,
LUUTRU_KAFKA_PORT as for the tests); run with the interpreter's bytecode compiled
(`python -m compileall`), as the image is built (UV_COMPILE_BYTECODE=1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from bench.analytics.common import machine, percentile
from bench.procs import cpu_seconds
from tests.support import kafka_env, recreate_database, service_database_env

DB = "luutru_bench_cold"
SERVICES = ("accounts", "ingest", "analytics", "console")


def import_time(service: str) -> tuple[float, float]:
    """Wall and CPU seconds to import the service's app module in a fresh interpreter."""
    code = (
        "import time, resource; t = time.perf_counter(); "
        f"import luutru_{service}.app; r = resource.getrusage(resource.RUSAGE_SELF); "
        "print(time.perf_counter() - t, r.ru_utime + r.ru_stime)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def launch(
    service: str, port: int, env: dict[str, str], log: Path
) -> tuple[subprocess.Popen, dict[str, float]]:
    """Start one service and time it to /livez and /readyz; it is left running."""
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", f"luutru_{service}", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    times: dict[str, float] = {}
    with httpx.Client(timeout=2) as client:
        while "ready" not in times:
            if process.poll() is not None:
                raise RuntimeError(f"{service} exited: {log.read_text()[-2000:]}")
            if time.monotonic() - started > 120:
                raise RuntimeError(f"{service} not ready in 120 s")
            try:
                if "listening" not in times:
                    client.get(url + "/livez")
                    times["listening"] = time.monotonic() - started
                if client.get(url + "/readyz").status_code == 200:
                    times["ready"] = time.monotonic() - started
                    times["cpu"] = cpu_seconds(process.pid)
            except httpx.TransportError:
                time.sleep(0.01)
    return process, times


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=32100)
    args = parser.parse_args()
    print(machine())
    recreate_database(DB)
    logs = Path("/tmp") / f"luutru-cold-start-{os.getpid()}"
    logs.mkdir(exist_ok=True)
    ports = {s: args.port + i for i, s in enumerate(SERVICES)}
    env = {
        **os.environ,
        **kafka_env(),
        "LUUTRU_JWKS_URL": f"http://127.0.0.1:{ports['accounts']}/.well-known/jwks.json",
        "LUUTRU_CONSUMER_GROUP_PREFIX": f"cold{os.getpid()}-",
        "LUUTRU_ENVIRONMENT": "test",
        "LUUTRU_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "LUUTRU_BOOTSTRAP_ADMIN_PASSWORD": "Cold-Start-Pass-2026",
        "LUUTRU_ACCOUNTS_URL": f"http://127.0.0.1:{ports['accounts']}",
        "LUUTRU_INGEST_URL": f"http://127.0.0.1:{ports['ingest']}",
        "LUUTRU_ANALYTICS_URL": f"http://127.0.0.1:{ports['analytics']}",
    }
    rows = []
    accounts = None
    try:
        for service in SERVICES:
            service_env = {**env}
            if service != "console":
                service_env.update(service_database_env(DB, service))
            runs = []
            for i in range(args.runs):
                log = logs / f"{service}-{i}.log"
                process, times = launch(service, ports[service], service_env, log)
                runs.append(times)
                if service == "accounts" and i == args.runs - 1:
                    accounts = process  # the others fetch the revocation list from it
                else:
                    stop(process)
                time.sleep(0.5)
            imports = [import_time(service) for _ in range(args.runs)]
            rows.append((service, runs, imports))
    finally:
        if accounts is not None:
            stop(accounts)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    print(
        "| service | listening p50 / max | ready p50 / max | CPU at ready p50 | import wall / CPU |"
    )
    print("|---|---|---|---|---|")
    for service, runs, imports in rows:

        def both(key: str, runs=runs) -> str:
            values = [r[key] for r in runs]
            return f"{percentile(values, 50):.2f} / {max(values):.2f} s"

        cpu = percentile([r["cpu"] for r in runs], 50)
        wall = percentile([w for w, _ in imports], 50)
        icpu = percentile([c for _, c in imports], 50)
        print(
            f"| {service} | {both('listening')} | {both('ready')} | {cpu:.2f} s | "
            f"{wall:.2f} / {icpu:.2f} s |"
        )


if __name__ == "__main__":
    main()
