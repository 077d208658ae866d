"""Kill the ingest process (SIGKILL) in the middle of an upload, start it again, and find
every row registered exactly once: the raw file was stored first, each chunk committed with
its results and progress mark, and the lease hands the upload to the restarted worker."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import asyncpg
import httpx
import pytest

from luutru_common.events import Topic
from tests import support
from tests.integration.kafka_helpers import end_offsets, messages_with_keys
from tests.support import (
    E2E_PORT_BASE,
    ROOT,
    TEST_TAG,
    bearer,
    database_url,
    kafka_env,
    recreate_database,
)

DB = f"luutru_ingcrash{TEST_TAG}"
PORT = E2E_PORT_BASE + 12
ROWS = 300


@pytest.fixture(scope="module")
def jwks_url():
    """accounts' JWKS endpoint, served by the test with its own signing key."""
    signer = support.TestSigner()
    body = json.dumps(signer.jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield signer, f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


def start_ingest(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "luutru_ingest", "serve", "--port", str(PORT)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


async def wait_live(process: subprocess.Popen) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            assert process.poll() is None, "ingest exited"
            try:
                if (await client.get(f"http://127.0.0.1:{PORT}/livez")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("ingest did not start")


def guest_file() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Ngày đến"])
    for i in range(ROWS):
        writer.writerow([f"Khách Số {i}", "01/05/1990", "Nam", f"075090{i:06d}", "27/11/2026"])
    return buffer.getvalue().encode()


async def test_killed_mid_upload_resumes_and_registers_each_row_once(
    infrastructure, jwks_url, tmp_path
):
    signer, url = jwks_url
    recreate_database(DB)
    dsn = database_url(DB).replace("+asyncpg", "")
    conn = await asyncpg.connect(dsn)
    facility = uuid.uuid4()
    await conn.execute(
        "INSERT INTO ingest.facilities (id, code, name, facility_type, province_code, "
        "commune_code, beds, status, as_of) VALUES ($1, 'C-1', 'Khách sạn', 'hotel', 75, 26068, "
        "NULL, 'active', $2)",
        facility,
        datetime.now(UTC),
    )
    env = {
        **os.environ,
        "LUUTRU_DATABASE_URL": database_url(DB),
        **kafka_env(),
        "LUUTRU_CONSUMER_GROUP_PREFIX": f"crash{uuid.uuid4().hex[:8]}-",
        "LUUTRU_JWKS_URL": url,
        "LUUTRU_ENVIRONMENT": "test",
        # Small, slow chunks so the kill lands mid-file; a short lease so the restart
        # takes the upload over quickly.
        "LUUTRU_UPLOAD_CHUNK_ROWS": "20",
        "LUUTRU_UPLOAD_CHUNK_DELAY_S": "0.3",
        "LUUTRU_UPLOAD_LEASE_S": "2",
        "LUUTRU_UPLOAD_POLL_INTERVAL_S": "0.2",
    }
    headers = bearer(signer.token(role="facility_staff", facility_id=facility))
    since = await end_offsets(Topic.STAY)
    log = open(tmp_path / "ingest.log", "wb")  # noqa: SIM115, ASYNC230 — closed at the end
    first = start_ingest(env, log)
    second = None
    try:
        await wait_live(first)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}") as client:
            response = await client.post(
                "/v1/uploads", files={"file": ("list.csv", guest_file())}, headers=headers
            )
            assert response.status_code == 202, response.text
            upload_id = uuid.UUID(response.json()["upload_id"])
            # Kill once a few chunks are committed and before the file is done.
            for _ in range(300):
                done = await conn.fetchval(
                    "SELECT accepted FROM ingest.uploads WHERE id = $1", upload_id
                )
                if done >= 60:
                    break
                await asyncio.sleep(0.05)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            partial = await conn.fetchrow(
                "SELECT status, accepted FROM ingest.uploads WHERE id = $1", upload_id
            )
            assert partial["status"] == "processing"
            assert 60 <= partial["accepted"] < ROWS

            second = start_ingest(env, log)
            await wait_live(second)
            for _ in range(600):
                status = (await client.get(f"/v1/uploads/{upload_id}", headers=headers)).json()
                if status["status"] == "done":
                    break
                await asyncio.sleep(0.2)
        assert (status["accepted"], status["duplicates"], status["rejected"]) == (ROWS, 0, 0)
        stays = await conn.fetchval(
            "SELECT count(*) FROM ingest.stays WHERE facility_id = $1", facility
        )
        rows = await conn.fetchrow(
            "SELECT count(*) AS n, count(DISTINCT row_number) AS distinct_rows "
            "FROM ingest.upload_rows WHERE upload_id = $1",
            upload_id,
        )
        # Every stay's event on Kafka once (a relay cut off between publishing and deleting
        # may send a batch again: the same event ids, which consumers skip).
        events = await messages_with_keys(since, {str(facility)}, expected=ROWS, timeout=60)
        event_ids = {e["event_id"] for _, e in events if e["event_type"] == "GuestCheckedIn"}
        event_stays = {e["data"]["stay_id"] for _, e in events}
        attempts = await conn.fetchval(
            "SELECT attempts FROM ingest.uploads WHERE id = $1", upload_id
        )
        assert stays == ROWS
        assert (rows["n"], rows["distinct_rows"]) == (ROWS, ROWS)
        assert len(event_ids) == len(event_stays) == ROWS
        assert attempts == 2
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
        log.close()
        await conn.close()
