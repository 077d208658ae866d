"""Ingest benchmark (run on purpose, not in the test suite; the wrk part needs `wrk`):

    uv run python -m bench.ingest.run [--parts batch,wrk,upload,copy] [--batch-guests 50000]
                                       [--seconds 15] [--xlsx-rows 100000] [--workers 1]

Starts `luutru-ingest serve` (uvicorn, embedded workers: outbox relay to Kafka, upload worker;
with `--separate-workers` those run in a `luutru-ingest worker` process, as deployed) on its
own database against the local PostgreSQL and Kafka, then measures:
1. batch ingest (`batch`) — guests/s accepted and durable (each answer comes after its commit),
   and the CPU per guest of the server and of its PostgreSQL backends;
2. single check-ins with wrk (`wrk`, closed loop at 4/16/64 connections) — throughput and
   latency percentiles; from one facility and its token, or with `--facilities N` from N
   facilities, each request's drawn at random, each with its own token (real traffic); `single` is an open-loop Python generator at `--rate` req/s (on this
   2-core machine the Python client itself becomes the bottleneck);
3. a 100,000-row XLSX upload (`upload`) — time to done, each ingest process's CPU and memory;
4. the ceiling (`copy`) — asyncpg COPY of the same rows into a copy of the stays table, with
   its CPU per row (asyncpg's encoding and PostgreSQL's side): the batch's fraction of COPY is
   given by rate and by CPU, the latter what a loaded machine moves least.

Before wrk, the relay is left to publish what earlier parts wrote (`outbox_drained_s`), so the
check-ins are measured with the relay sending their own events only.

With `wrk`, the yardstick (`--peer`, by default `../shared/bench/peer_checkin.py`: plain
FastAPI + asyncpg doing the same durable work) is started too, on a database of its own, and
measured with the same wrk script right after each of our runs, so every ratio compares two
runs a few seconds apart. `LUUTRU_TEST_TAG` suffixes the databases; `--port` moves the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import io
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import asyncpg
import httpx
import xlsxwriter
from bench.ingest.data import facility_types, guest
from bench.procs import cpu_seconds, kafka_pid
from tests.support import PG_PORT, ROOT, TEST_TAG, TestSigner, bearer, database_url, kafka_env

from luutru_common.intake.vocabulary import PERSON
from luutru_ingest import receipt_numbers

DB = f"luutru_bench_ingest{TEST_TAG}"
PEER_DB = f"luutru_bench_peer{TEST_TAG}"
PORT = 18290
ACCEPTED = re.compile(r'\{"accepted":(\d+),')  # a batch answer's head


def recreate(name: str, *, migrate: bool = True) -> None:
    env = {**os.environ, "PGPASSWORD": "luutru"}
    psql = ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "luutru", "-d", "postgres", "-q"]
    drop = [*psql, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']
    # Right after a run, a background session of the database (autovacuum) may still be
    # there, which FORCE may not end: wait for it a little.
    for _ in range(10):
        if subprocess.run(drop, env=env).returncode == 0:
            break
        time.sleep(2)
    else:
        subprocess.run(drop, env=env, check=True)
    subprocess.run([*psql, "-c", f'CREATE DATABASE "{name}"'], env=env, check=True)
    if not migrate:
        return
    env["LUUTRU_DATABASE_URL"] = database_url(name)
    subprocess.run([sys.executable, "-m", "luutru_ingest", "migrate"], env=env, check=True)


def serve_jwks(signer: TestSigner) -> str:
    body = json.dumps(signer.jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/jwks.json"


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process (uvicorn runs the app in-process)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def add_facilities(conn, n: int, rng: random.Random) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(n)]
    await conn.executemany(
        "INSERT INTO ingest.facilities (id, code, name, facility_type, province_code, "
        "commune_code, beds, status, as_of) VALUES ($1, $2, 'Bench', $3, 75, 26068, $4, "
        "'active', now())",
        [
            (fid, f"B-{i}", kind, rng.choice([None, 20, 60, 200, 2000]))
            for i, (fid, kind) in enumerate(zip(ids, facility_types(n, rng), strict=True))
        ],
    )
    return ids


async def backends_cpu(dsn: str) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend connected to the benchmark's
    database (same machine: their /proc entries), the side of the work COPY mostly is."""
    conn = await asyncpg.connect(dsn)
    try:
        pids = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    out = {}
    for row in pids:
        with contextlib.suppress(OSError):
            out[row["pid"]] = cpu_seconds(row["pid"])
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


async def bench_batch(
    client,
    signer,
    facilities,
    total: int,
    size: int,
    rng,
    *,
    pid: int,
    dsn: str,
    beside: dict[str, int | None],
) -> dict:
    """Concurrent batches of `size` guests; each facility sends its own day's list. Besides
    the rate, the CPU per guest of the server (relay included when embedded) and of its
    PostgreSQL backends (the relay's too), read once every event is published: on a shared
    machine the rate moves with the neighbours, the CPU far less.

    ``beside``: the other processes on the machine whose CPU a guest costs (the relay's
    worker, the Kafka broker), reported apart with the load generator's own: on two cores
    they share the CPU the rate is made of."""
    serial = iter(range(10**6))
    day = date(2026, 11, 20)
    batches = []
    for i in range(total // size):
        fid = facilities[i % len(facilities)]
        guests = [guest(rng, next(serial), day) for _ in range(size)]
        # Encoded before the clock starts: the load generator's JSON is not the server's cost.
        batches.append((fid, json.dumps({"guests": guests}).encode()))
    # Signed before the clock too, a token per facility.
    headers = {
        fid: bearer(signer.token(role="facility_staff", facility_id=fid, ttl=3600))
        | {"Content-Type": "application/json"}
        for fid in {fid for fid, _ in batches}
    }
    accepted = 0

    async def send(fid, guests):
        nonlocal accepted
        r = await client.post("/v1/stays/batch", content=guests, headers=headers[fid])
        r.raise_for_status()
        # The count from the answer's head: decoding the whole answer (a receipt a guest)
        # with the standard library cost the load generator ~12 µs a guest, CPU taken from
        # the server and PostgreSQL on this two-core machine.
        accepted += int(ACCEPTED.match(r.content[:64].decode()).group(1))

    queue = list(batches)
    beside = {name: p for name, p in beside.items() if p is not None}
    beside_before = {name: cpu_seconds(p) for name, p in beside.items()}
    server_before, backends_before = cpu_seconds(pid, children=True), await backends_cpu(dsn)
    generator_before = time.process_time()
    start = time.perf_counter()

    async def worker():
        while queue:
            await send(*queue.pop())

    await asyncio.gather(*[worker() for _ in range(3)])
    elapsed = time.perf_counter() - start
    generator = time.process_time() - generator_before
    # The CPU is read once the relay has published every event: its reads and updates of the
    # outbox are part of each guest's database work, and a relay a few batches behind left
    # them out of the figure (by how much changed from run to run).
    drained = await drain_outbox(dsn)
    server = cpu_seconds(pid, children=True) - server_before
    backends = cpu_used(backends_before, await backends_cpu(dsn))
    elsewhere = {
        f"{name}_cpu_us_per_guest": round(
            1e6 * (cpu_seconds(p) - beside_before[name]) / max(total, 1)
        )
        for name, p in beside.items()
    }
    return {
        "guests": total,
        "accepted": accepted,
        "seconds": round(elapsed, 2),
        "relay_drained_after_s": drained,
        "guests_per_s": round(accepted / elapsed),
        "server_cpu_us_per_guest": round(1e6 * server / max(accepted, 1)),
        "postgres_cpu_us_per_guest": round(1e6 * backends / max(accepted, 1)),
        **elsewhere,
        "load_generator_cpu_us_per_guest": round(1e6 * generator / max(total, 1)),
    }


async def bench_single(client, signer, facilities, rate: int, seconds: float, rng) -> dict:
    """Open loop: requests start on schedule whatever the previous ones are doing."""
    tokens = {
        fid: bearer(signer.token(role="facility_staff", facility_id=fid, ttl=3600))
        for fid in facilities
    }
    day = date(2026, 11, 21)
    latencies: list[float] = []
    errors = 0
    n = int(rate * seconds)
    bodies = [
        (facilities[i % len(facilities)], json.dumps(guest(rng, 500_000 + i, day)).encode())
        for i in range(n)
    ]
    for headers in tokens.values():
        headers["Content-Type"] = "application/json"

    async def one(fid, body):
        nonlocal errors
        t0 = time.perf_counter()
        try:
            r = await client.post("/v1/stays", content=body, headers=tokens[fid])
            if r.status_code not in (200, 201):
                errors += 1
        except httpx.HTTPError:
            errors += 1
        latencies.append((time.perf_counter() - t0) * 1000)

    tasks = []
    start = time.perf_counter()
    for i, (fid, body) in enumerate(bodies):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(fid, body)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": n,
        "achieved_rps": round(n / elapsed),
        "errors": errors,
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(latencies[-1], 1),
    }


def runqueue_seconds(pid: int) -> float:
    """Time the process's threads have spent runnable but waiting for a CPU (schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def cluster_io() -> dict[str, float]:
    """The cluster's checkpoints so far (timed or requested: a DROP DATABASE, a full WAL),
    their sync time and the WAL flushes: a checkpoint's fsyncs during a run hold every commit
    of every database of the cluster, the tail of any check-in's latency."""
    query = (
        "SELECT checkpoints_timed + checkpoints_req, checkpoint_sync_time, "
        "(SELECT wal_sync FROM pg_stat_wal) FROM pg_stat_bgwriter"
    )
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "luutru",
            "-d",
            "postgres",
            "-Atc",
            query,
        ],
        env={**os.environ, "PGPASSWORD": "luutru"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    checkpoints, sync_ms, wal_syncs = (float(v) for v in out.strip().split("|"))
    return {"checkpoints": checkpoints, "checkpoint_sync_ms": sync_ms, "wal_syncs": wal_syncs}


def bench_wrk(tokens: list[str], port: int, connections: int, seconds: float, pid: int) -> dict:
    """Closed loop with wrk (C, out of the Python process): the server's ceiling for single
    check-ins and the latency at that load, and the server's CPU time per request — the
    measure a busy machine moves least. Each request comes from one of ``tokens`` (a
    facility each), drawn at random."""
    tokens_file = Path(tempfile.mkstemp(prefix="luutru-wrk-tokens-", suffix=".txt")[1])
    tokens_file.write_text("\n".join(tokens) + "\n")
    io_before = cluster_io()
    cpu_before, queued_before = cpu_seconds(pid, children=True), runqueue_seconds(pid)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            str(Path(__file__).with_name("single.lua")),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "TOKENS_FILE": str(tokens_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tokens_file.unlink()
    cpu = cpu_seconds(pid, children=True) - cpu_before
    queued = runqueue_seconds(pid) - queued_before
    io_after = cluster_io()
    # The whole cluster's (other databases' work included), during this run.
    result: dict = {"connections": connections} | {
        f"cluster_{k}": round(io_after[k] - io_before[k]) for k in io_before
    }
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1:3] == ["requests", "in"]:
            requests = max(int(parts[0]), 1)
            result["cpu_ms_per_request"] = round(1000 * cpu / requests, 2)
            # Waiting for a CPU while runnable: what a loaded machine adds to each request.
            result["runqueue_ms_per_request"] = round(1000 * queued / requests, 2)
        elif parts and parts[0] in ("50%", "90%", "99%"):
            value = parts[1]
            ms = (
                float(value[:-2])
                if value.endswith("ms")
                else (
                    float(value[:-2]) / 1000 if value.endswith("us") else float(value[:-1]) * 1000
                )
            )
            result[f"p{parts[0][:-1]}_ms"] = round(ms, 1)
        elif line.startswith("Requests/sec:"):
            result["rps"] = round(float(parts[1]))
        elif "Non-2xx" in line:
            result["non_2xx"] = int(parts[-1])
    return result


async def drain_outbox(dsn: str, timeout_s: float = 600) -> float:
    """Seconds until the relay has published every event written so far."""
    conn = await asyncpg.connect(dsn)
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < timeout_s:
            if not await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM ingest.outbox WHERE published_at IS NULL)"
            ):
                break
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    return round(time.perf_counter() - start, 1)


def start_peer(path: Path, port: int, facilities: int) -> tuple[subprocess.Popen, list[str]]:
    """The yardstick on a database of its own; returns the process and a token it accepts
    for each of ``facilities`` facilities (signed with its key, as its own `token()`)."""
    spec = importlib.util.spec_from_file_location("peer_checkin", path)
    assert spec is not None and spec.loader is not None
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    recreate(PEER_DB, migrate=False)
    process = subprocess.Popen(
        [
            sys.executable,
            str(path),
            "serve",
            str(port),
            database_url(PEER_DB).replace("+asyncpg", ""),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    if facilities == 1:
        return process, [peer.token()]
    now = int(time.time())
    return process, [
        peer.jwt.encode(
            {
                "sub": f"u{i}",
                "facility_id": str(uuid.UUID(int=i + 1)),
                "role": "facility_staff",
                "iat": now,
                "exp": now + 3600,
            },
            peer.KEY,
            algorithm="ES256",
        )
        for i in range(facilities)
    ]


def xlsx_file(rows: int, rng) -> tuple[bytes, list[dict]]:
    keys = [
        "full_name",
        "date_of_birth",
        "gender",
        "id_number",
        "passport_number",
        "nationality",
        "visa_type",
        "visa_number",
        "entry_date",
        "entry_port",
        "room",
        "reason",
        "check_in_at",
        "expected_check_out",
    ]
    # The headers a facility's own sheet has: each field's Vietnamese name in the intake's
    # dictionary (what the template and the upload parser use).
    header = [PERSON.fields[k].vi for k in keys]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    guests = []
    day = date(2026, 11, 22)
    for r in range(1, rows + 1):
        g = guest(rng, 700_000 + r, day)
        guests.append(g)
        cells = []
        for k in keys:
            v = g.get(k, "")
            if k in ("date_of_birth", "entry_date", "expected_check_out") and v:
                v = date.fromisoformat(v).strftime("%d/%m/%Y")
            elif k == "gender":
                v = "Nam" if v == "male" else "Nữ"
            elif k == "check_in_at":
                v = datetime.fromisoformat(v).strftime("%d/%m/%Y %H:%M")
            cells.append(v)
        sheet.write_row(r, 0, cells)
    book.close()
    return buffer.getvalue(), guests


async def bench_upload(
    client, signer, fid, raw: bytes, rows: int, pids: dict[str, int], dsn: str
) -> dict:
    """From the upload's POST to its status "done" (every row registered and its result
    stored), polled every 0.25 s; the CPU and the memory of each ingest process (the API, and
    with --separate-workers the worker that reads the file), and PostgreSQL's CPU."""
    headers = bearer(signer.token(role="facility_staff", facility_id=fid, ttl=3600))
    before = {name: rss_mb(pid) for name, pid in pids.items()}
    cpu_before = {name: cpu_seconds(pid, children=True) for name, pid in pids.items()}
    backends_before = await backends_cpu(dsn)
    start = time.perf_counter()
    r = await client.post("/v1/uploads", files={"file": ("khach.xlsx", raw)}, headers=headers)
    r.raise_for_status()
    upload_id = r.json()["upload_id"]
    polls = 0
    while True:
        s = (await client.get(f"/v1/uploads/{upload_id}?limit=1", headers=headers)).json()
        polls += 1
        if s["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.25)
    elapsed = time.perf_counter() - start
    backends = cpu_used(backends_before, await backends_cpu(dsn))
    return {
        "rows": rows,
        "file_mb": round(len(raw) / 2**20, 1),
        "status": s["status"],
        "accepted": s["accepted"],
        "rejected": s["rejected"],
        "seconds": round(elapsed, 1),
        "rows_per_s": round(rows / elapsed),
        "status_polls": polls,
        # Each process's CPU for it (relay included): about the wall time on an idle machine.
        "cpu_s": {
            name: round(cpu_seconds(pid, children=True) - cpu_before[name], 1)
            for name, pid in pids.items()
        },
        "postgres_cpu_s": round(backends, 1),
        "rss_before_mb": {name: round(mb) for name, mb in before.items()},
        "rss_after_mb": {name: round(rss_mb(pid)) for name, pid in pids.items()},
        "peak_rss_mb": {name: round(peak_rss_mb(pid)) for name, pid in pids.items()},
    }


async def bench_copy(dsn: str, guests: list[dict], fid: uuid.UUID) -> dict:
    """The ceiling: the same rows straight into PostgreSQL with COPY (no validation, no events,
    no HTTP)."""
    conn = await asyncpg.connect(dsn)
    await conn.execute("DROP TABLE IF EXISTS public.bench_copy")
    await conn.execute("CREATE TABLE public.bench_copy (LIKE ingest.stays INCLUDING ALL)")
    now = datetime.now(UTC)
    records = []
    numbers = receipt_numbers.new_numbers(len(guests))
    for g, number in zip(guests, numbers, strict=True):
        arrival = datetime.fromisoformat(g["check_in_at"])
        records.append(
            (
                uuid.uuid4(),
                fid,
                "id_number" if g.get("id_number") else "passport",
                g.get("id_number") or g["passport_number"],
                g["full_name"],
                g["full_name"].upper(),
                date.fromisoformat(g["date_of_birth"]),
                g["gender"],
                g.get("nationality", "VNM"),
                g.get("nationality", "VNM"),
                g["room"],
                g["reason"],
                arrival,
                arrival.date(),
                date.fromisoformat(g["expected_check_out"]),
                now,
                arrival + timedelta(hours=6),
                0,
                "checked_in",
                "[]",
                number,
            )
        )
    columns = [
        "id",
        "facility_id",
        "document_type",
        "document_number",
        "full_name",
        "name_key",
        "date_of_birth",
        "gender",
        "nationality",
        "country_of_residence",
        "room",
        "reason",
        "check_in_at",
        "check_in_date",
        "expected_check_out",
        "received_at",
        "due_at",
        "late_minutes",
        "status",
        "warnings",
        "receipt_number",
    ]
    backend = await conn.fetchval("SELECT pg_backend_pid()")
    client_before, backend_before = time.process_time(), cpu_seconds(backend)
    start = time.perf_counter()
    await conn.copy_records_to_table(
        "bench_copy", records=records, columns=columns, schema_name="public"
    )
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - client_before
    backend_cpu = cpu_seconds(backend) - backend_before
    await conn.execute("DROP TABLE public.bench_copy")
    await conn.close()
    return {
        "rows": len(records),
        "seconds": round(elapsed, 2),
        "rows_per_s": round(len(records) / elapsed),
        # The encoding in asyncpg (this process) and PostgreSQL's side.
        "client_cpu_us_per_row": round(1e6 * client_cpu / len(records)),
        "postgres_cpu_us_per_row": round(1e6 * backend_cpu / len(records)),
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory_gb": round(mem / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
    }


async def main(args) -> None:
    global PORT
    PORT = args.port
    rng = random.Random(7)
    recreate(DB)
    dsn = database_url(DB).replace("+asyncpg", "")
    conn = await asyncpg.connect(dsn)
    facilities = await add_facilities(conn, max(200, args.facilities), rng)
    await conn.close()
    signer = TestSigner()
    env = {
        **os.environ,
        "LUUTRU_DATABASE_URL": database_url(DB),
        **kafka_env(),
        # One group per tag, kept between runs: a fresh group would replay every facility
        # event on the shared Kafka and bill that to the check-ins being measured.
        "LUUTRU_CONSUMER_GROUP_PREFIX": f"bench{TEST_TAG}-",
        "LUUTRU_JWKS_URL": serve_jwks(signer),
        "LUUTRU_LOG_LEVEL": "WARNING",
        "LUUTRU_DATABASE_POOL_SIZE": str(args.pool_size),
        "LUUTRU_EMBEDDED_WORKERS": "false" if args.separate_workers else "true",
        **({"LUUTRU_UPLOAD_CHUNK_ROWS": str(args.chunk_rows)} if args.chunk_rows else {}),
    }
    server = subprocess.Popen(  # noqa: ASYNC220 — started once, before the clock
        [
            sys.executable,
            "-m",
            "luutru_ingest",
            "serve",
            "--port",
            str(PORT),
            "--workers",
            str(args.workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=None,  # its warnings and errors, if any, show with the results
    )
    # As deployed (deploy/k8s): the relay and the upload worker in a process of their own.
    worker = (
        subprocess.Popen(  # noqa: ASYNC220 — started once, before the clock
            # Its probe port beside ours: the default (9002) is every worktree's, and a
            # worker that cannot bind exits, leaving the outbox unpublished.
            [sys.executable, "-m", "luutru_ingest", "worker", "--port", str(PORT + 2)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        if args.separate_workers
        else None
    )
    results: dict = {"machine": machine(), "separate_workers": args.separate_workers}
    try:
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{PORT}", timeout=120, limits=limits
        ) as client:
            for _ in range(600):  # a loaded machine can take a while to start it
                try:
                    if (await client.get("/livez")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
                if server.poll() is not None:
                    raise SystemExit(f"luutru-ingest serve exited with {server.returncode}")
            if "batch" in args.parts:
                results["batch"] = await bench_batch(
                    client,
                    signer,
                    facilities,
                    args.batch_guests,
                    1000,
                    rng,
                    pid=server.pid,
                    dsn=dsn,
                    beside={"relay": worker.pid if worker else None, "kafka": kafka_pid()},
                )
                results["batch"]["load_average"] = os.getloadavg()[0]
                print(json.dumps(results["batch"]), flush=True)
            if "copy" in args.parts:
                # Right after the batch, so the two share the machine's load.
                day = date(2026, 11, 22)
                rows = [guest(rng, 700_000 + r, day) for r in range(1, args.xlsx_rows + 1)]
                results["copy"] = await bench_copy(dsn, rows, facilities[1])
                results["copy"]["load_average"] = os.getloadavg()[0]
                print(json.dumps(results["copy"]), flush=True)
                if "batch" in args.parts:
                    results["batch_fraction_of_copy"] = round(
                        results["batch"]["guests_per_s"] / results["copy"]["rows_per_s"], 3
                    )
                    batch, copy = results["batch"], results["copy"]
                    # The same fraction by CPU (COPY's CPU per row over ours per guest, each
                    # with its PostgreSQL side): what a loaded machine moves least.
                    results["batch_fraction_of_copy_by_cpu"] = round(
                        (copy["client_cpu_us_per_row"] + copy["postgres_cpu_us_per_row"])
                        / (batch["server_cpu_us_per_guest"] + batch["postgres_cpu_us_per_guest"]),
                        3,
                    )
                    print(
                        json.dumps(
                            {
                                key: results[key]
                                for key in (
                                    "batch_fraction_of_copy",
                                    "batch_fraction_of_copy_by_cpu",
                                )
                            }
                        )
                    )
            if "single" in args.parts:
                results["single"] = await bench_single(
                    client, signer, facilities, args.rate, args.seconds, rng
                )
                print(json.dumps(results["single"]), flush=True)
            if "wrk" in args.parts:
                # The batch's events published first: the relay then only has the check-ins'
                # own events to send, as the yardstick's work is the check-ins alone.
                results["outbox_drained_s"] = await drain_outbox(dsn)
                print(json.dumps({"outbox_drained_s": results["outbox_drained_s"]}), flush=True)
                # One facility (the default, as every run before) or the first N, each with
                # its own token.
                chosen = facilities[2:3] if args.facilities == 1 else facilities[: args.facilities]
                tokens = [
                    signer.token(role="facility_staff", facility_id=fid, ttl=3600) for fid in chosen
                ]
                results["wrk_facilities"] = len(tokens)
                peer = None
                if args.peer.exists():
                    peer, peer_tokens = start_peer(args.peer, PORT + 1, args.facilities)
                else:
                    print(f"no yardstick at {args.peer}: ratios left out", flush=True)
                try:
                    for connections in args.connections:
                        result = bench_wrk(tokens, PORT, connections, args.seconds, server.pid)
                        if peer is not None:
                            result["peer"] = bench_wrk(
                                peer_tokens, PORT + 1, connections, args.seconds, peer.pid
                            )
                            result["ratio_to_peer"] = round(
                                result["rps"] / result["peer"]["rps"], 3
                            )
                        result["load_average"] = os.getloadavg()[0]
                        results.setdefault("wrk", []).append(result)
                        print(json.dumps(result), flush=True)
                finally:
                    if peer is not None:
                        peer.terminate()
                        peer.wait(timeout=20)
            if "upload" in args.parts:
                raw, _ = xlsx_file(args.xlsx_rows, rng)
                pids = {"serve": server.pid} | ({"worker": worker.pid} if worker else {})
                results["upload"] = await bench_upload(
                    client, signer, facilities[0], raw, args.xlsx_rows, pids, dsn
                )
                results["upload"]["load_average"] = os.getloadavg()[0]
                print(json.dumps(results["upload"]), flush=True)
                if "copy" in results:
                    results["upload_fraction_of_copy"] = round(
                        results["upload"]["rows_per_s"] / results["copy"]["rows_per_s"], 3
                    )
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", default="batch,wrk,upload,copy")
    parser.add_argument("--batch-guests", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--chunk-rows", type=int, default=0)
    parser.add_argument(
        "--pool-size", type=int, default=20, help="the server's database pool (each of its two)"
    )
    parser.add_argument(
        "--connections",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[4, 16, 64],
        help="wrk's runs, e.g. 4,16,64",
    )
    parser.add_argument(
        "--facilities",
        type=int,
        default=1,
        help="wrk's check-ins come from this many facilities, each with its own token, drawn "
        "at random per request (default 1: one facility and one token, as earlier runs)",
    )
    parser.add_argument(
        "--separate-workers",
        action="store_true",
        help="relay and upload worker in a `worker` process, as deployed (default: embedded)",
    )
    parser.add_argument("--port", type=int, default=PORT, help="ours; the yardstick's is +1")
    parser.add_argument(
        "--peer", type=Path, default=ROOT.parent / "shared" / "bench" / "peer_checkin.py"
    )
    asyncio.run(main(parser.parse_args()))
