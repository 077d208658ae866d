"""The police alert queue at a province's volume: the officer's questions timed through the
real API, and each statement's plan (EXPLAIN ANALYZE, BUFFERS).

    uv run python -m bench.analytics.alerts --alerts 150000 --wanted 20000

1. A database of its own (LUUTRU_BENCH_ALERTS_DB, default luutru_bench_alerts) is filled in
   SQL (generate_series): 300 facilities over the province's communes, `--wanted` persons on
   the watchlist, `--alerts` hits over 180 days on registrations of their own (one in ten
   people matches a second entry by name and birth date), their guest records; hits older
   than a week are closed, the week's are new or acknowledged (a few thousand open).
2. Each question of the alert page (`QUESTIONS`) is asked through the in-process ASGI app
   with a provincial police token `--reps` times: p50 / p95 of the whole HTTP answer.
3. `--plans` prints the plan of every statement the people page runs (the first page, all
   statuses — what the console opens with), with the rows and buffers each node read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime

import httpx
from bench.analytics.common import (
    database_url,
    fresh_database,
    machine,
    percentile,
    psql,
    timed_get,
)
from tests.support import TestSigner

from luutru_analytics.app import create_app
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.admin_units import communes_of

DB = os.environ.get("LUUTRU_BENCH_ALERTS_DB", "luutru_bench_alerts")
PROVINCE = 75  # Đồng Nai


def fill(alerts: int, wanted: int) -> None:
    fresh_database(DB)
    communes = [code for code, _ in communes_of(PROVINCE)]
    started = time.monotonic()
    psql(
        DB,
        f"""
CREATE TEMP TABLE c AS SELECT row_number() OVER () - 1 AS i, code
  FROM unnest(ARRAY{communes}::int[]) AS code;
INSERT INTO analytics.facilities (facility_id, code, name, facility_type, province_code,
  commune_code, status, street, registered_at, as_of)
SELECT md5('fac' || f)::uuid, 'CS' || f, 'Khách sạn ' || f, 'hotel', {PROVINCE},
  (SELECT code FROM c WHERE i = f % {len(communes)}), 'active', f || ' Đường Số ' || f,
  now() - interval '2 years', now() - interval '2 years'
FROM generate_series(0, 299) AS f;
INSERT INTO analytics.watchlist_entries (entry_id, document_number, full_name, name_key,
  date_of_birth, reason, active, created_by, created_at)
SELECT md5('entry' || w)::uuid, lpad((75000000000 + w)::text, 12, '0'),
  'Người Bị Truy Nã ' || w, 'NGUOI BI TRUY NA ' || w,
  date '1950-01-01' + (w * 7919) % 20000, 'Lệnh truy nã số ' || w, true, 'bench',
  now() - interval '1 year'
FROM generate_series(0, {wanted - 1}) AS w;
-- One registration per person hit, detected over 180 days, oldest first (seq follows time).
CREATE TEMP TABLE r AS
SELECT n, md5('record' || n)::uuid AS record_id, md5('fac' || (n * 31) % 300)::uuid AS fac,
  now() - interval '180 days' * (1 - n::float8 / {alerts}) AS at, n % {wanted} AS w
FROM generate_series(0, {alerts - 1}) AS n;
INSERT INTO analytics.guest_records (record_id, kind, stay_id, facility_id, facility_type,
  commune_code, full_name, name_key, date_of_birth, gender, id_number, document_number,
  nationality, country_of_residence, room, arrived_at, expected_departure)
SELECT r.record_id, 'stay', md5('stay' || n)::uuid, r.fac, 'hotel', f.commune_code,
  'Người Bị Truy Nã ' || w, 'NGUOI BI TRUY NA ' || w,
  date '1950-01-01' + (w * 7919) % 20000, 'male', lpad((75000000000 + w)::text, 12, '0'),
  lpad((75000000000 + w)::text, 12, '0'), 'VNM', 'VNM', (100 + n % 400)::text, r.at,
  (r.at + interval '2 days')::date
FROM r JOIN analytics.facilities f ON f.facility_id = r.fac;
INSERT INTO analytics.alerts (alert_id, entry_id, record_id, match_kind, score,
  subject_name, subject_document, stay_id, facility_id, commune_code, status,
  registered_at, detected_at, updated_at)
SELECT md5('alert' || n || k)::uuid,
  md5('entry' || CASE k WHEN 0 THEN w ELSE (w + 1) % {wanted} END)::uuid, r.record_id,
  CASE k WHEN 0 THEN 'document' ELSE 'name_dob' END, CASE k WHEN 0 THEN 1.0 ELSE 0.86 END,
  'Người Bị Truy Nã ' || w, lpad((75000000000 + w)::text, 12, '0'), md5('stay' || n)::uuid,
  r.fac, f.commune_code,
  CASE WHEN r.at > now() - interval '7 days'
    THEN (CASE WHEN n % 2 = 0 THEN 'new' ELSE 'acknowledged' END) ELSE 'closed' END,
  r.at, r.at + interval '2 seconds', r.at + interval '1 hour'
FROM r JOIN analytics.facilities f ON f.facility_id = r.fac
  CROSS JOIN LATERAL (SELECT 0 AS k UNION ALL SELECT 1 WHERE n % 10 = 0) AS hits
ORDER BY r.at, k;
""",
    )
    for table in ("alerts", "guest_records", "watchlist_entries", "facilities"):
        psql(DB, f"VACUUM ANALYZE analytics.{table}")
    print(f"filled in {time.monotonic() - started:.0f} s")


# What an officer does on the alert page (console: police/alerts.js), and the per-hit list.
QUESTIONS = [
    ("people: first page, all statuses", "/v1/alerts/people", {}),
    ("people: new", "/v1/alerts/people", {"status": "new"}),
    ("people: acknowledged", "/v1/alerts/people", {"status": "acknowledged"}),
    ("people: closed, page 50", "/v1/alerts/people", {"status": "closed", "page": 50}),
    ("people: one commune", "/v1/alerts/people", {"commune": "COMMUNE"}),
    ("people: name_dob", "/v1/alerts/people", {"match_kind": "name_dob"}),
    ("people: page 2000 (deep)", "/v1/alerts/people", {"page": 2000}),
    ("people: new, next page by cursor", "/v1/alerts/people", {"status": "new", "cursor": "NEXT"}),
    ("people: closed, next by cursor", "/v1/alerts/people", {"status": "closed", "cursor": "NEXT"}),
    ("hits: newest 100", "/v1/alerts", {}),
    ("hits: new, 100", "/v1/alerts", {"status": "new"}),
]


async def ask(reps: int) -> list[tuple[str, float, float]]:
    signer = TestSigner()
    settings = AnalyticsSettings(database_url=database_url(DB), embedded_workers=False)
    app = create_app(settings)
    app.state.token_verifier.add_jwks(signer.jwks)
    headers = {"Authorization": f"Bearer {signer.token(role='police_admin', ttl=3600)}"}
    commune = psql(DB, "SELECT commune_code FROM analytics.alerts LIMIT 1")
    results = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
            for label, path, params in QUESTIONS:
                params = {k: (commune if v == "COMMUNE" else v) for k, v in params.items()}
                if params.get("cursor") == "NEXT":  # the page after the first, by its cursor
                    params.pop("cursor")
                    first = await client.get(path, params=params, headers=headers)
                    params["cursor"] = first.json().get("next_cursor")
                    if params["cursor"] is None:  # a release without cursors
                        results.append((label, float("nan"), float("nan")))
                        continue
                results.append((label, *await timed_get(client, path, params, headers, reps)))
            # Acknowledging: a new person each time (the newest first), then one hit alone.
            for label, kind in (("acknowledge a person", "people"), ("acknowledge a hit", "hit")):
                times = []
                for _ in range(reps):
                    (person,) = (
                        await client.get(
                            "/v1/alerts/people",
                            params={"status": "new", "page_size": 1},
                            headers=headers,
                        )
                    ).json()["items"]
                    target = (
                        f"/v1/alerts/people/{person['record_id']}/transitions"
                        if kind == "people"
                        else f"/v1/alerts/{next(h for h in person['hits'] if h['status'] == 'new')['alert_id']}/transitions"
                    )
                    t = time.perf_counter()
                    moved = await client.post(
                        target, json={"status": "acknowledged"}, headers=headers
                    )
                    times.append(time.perf_counter() - t)
                    assert moved.status_code == 200, moved.text
                results.append((label, percentile(times, 50), percentile(times, 95)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=150_000)
    parser.add_argument("--wanted", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--skip-fill", action="store_true")
    args = parser.parse_args()
    print(machine(), datetime.now(UTC).isoformat(timespec="seconds"))
    if not args.skip_fill:
        fill(args.alerts, args.wanted)
    print(
        "alerts:",
        psql(DB, "SELECT status, count(*) FROM analytics.alerts GROUP BY 1 ORDER BY 1"),
        "| people:",
        psql(DB, "SELECT count(DISTINCT record_id) FROM analytics.alerts"),
    )
    for label, p50, p95 in asyncio.run(ask(args.reps)):
        print(f"{label:<36} p50 {p50 * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
