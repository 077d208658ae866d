"""A Tết day end to end: registrations through the ingest API — 80 % in PMS batches, 20 % as
single check-ins — relayed to Kafka by ingest's outbox relay and projected by
`luutru-analytics worker` (bench/pipeline.py), as fast as the machine takes them.

    uv run python -m bench.tet_day [--registrations 2000000] [--batch 250]
                                   [--batch-clients 3] [--single-clients 16]
                                   [--separate-workers] [--watchlist 0]

Reports the wall time from the first request to the last stay projected, the sustained
end-to-end rate, the API's rates for batches and single check-ins, the largest outbox
backlog and projection lag (sampled every second), each process's peak memory and CPU time.
`--registrations 200000` (or less) runs a scaled-down day with the same mix.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import UTC, datetime

from bench.analytics.common import machine
from bench.pipeline import pipeline


async def run(args) -> dict:
    singles_total = args.registrations // 5
    batched_total = args.registrations - singles_total
    async with pipeline(
        port=args.port, separate_workers=args.separate_workers, watchlist=args.watchlist
    ) as p:
        started = time.monotonic()
        sampler = asyncio.create_task(p.sample_forever(started))
        left = {"batched": batched_total, "single": singles_total}
        done = {"batched": 0, "single": 0}
        finished: dict[str, float] = {}

        async def batch_client() -> None:
            while left["batched"] > 0:
                n = min(args.batch, left["batched"])
                left["batched"] -= n
                accepted = await p.batch(n)  # awaited first: `+=` would read before
                done["batched"] += accepted
            finished["batched"] = time.monotonic() - started

        async def single_client() -> None:
            while left["single"] > 0:
                left["single"] -= 1
                accepted = await p.single()
                done["single"] += accepted
            finished["single"] = time.monotonic() - started

        async def progress() -> None:
            while True:
                await asyncio.sleep(15)
                s = p.samples[-1] if p.samples else None
                print(
                    f"{time.monotonic() - started:6.0f} s: accepted {done}, "
                    f"projected {s and s.seen}, backlog {s and s.outbox_backlog}, "
                    f"lag {s and s.projection_lag}, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )

        async def mark_singles_alone() -> None:
            """CPU and count once the batched guests are through the whole pipeline: what
            follows is single check-ins alone, which splits each process's CPU between the
            two kinds of registration."""
            while "batched" not in finished:
                await asyncio.sleep(1)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                s = p.samples[-1]
                if s.outbox_backlog < 50 and s.projection_lag < 50:
                    break
                await asyncio.sleep(1)
            singles_alone["cpu"] = p.cpu()
            singles_alone["singles_before"] = done["single"]

        singles_alone: dict = {}
        marker = asyncio.create_task(mark_singles_alone())
        reporter = asyncio.create_task(progress())
        await asyncio.gather(
            *[batch_client() for _ in range(args.batch_clients)],
            *[single_client() for _ in range(args.single_clients)],
        )
        api_done = time.monotonic() - started
        accepted = done["batched"] + done["single"]
        projected_at = await p.wait_projected(accepted, timeout=3600)
        wall = projected_at - started
        await p.wait_alerts()
        sampler.cancel()
        reporter.cancel()
        marker.cancel()
        split = cpu_split(p.cpu(), singles_alone, done)
        load = os.getloadavg()
        return {
            "machine": machine(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "registrations": args.registrations,
            "accepted": done,
            "not_accepted": p.not_accepted,
            "batch_size": args.batch,
            "separate_workers": args.separate_workers,
            "clients": {"batch": args.batch_clients, "single": args.single_clients},
            "api_seconds": round(api_done, 1),
            "batched_per_s": round(done["batched"] / finished["batched"]),
            "single_per_s": round(done["single"] / finished["single"]),
            "wall_seconds_to_last_projected": round(wall, 1),
            "sustained_end_to_end_per_s": round(accepted / wall),
            "largest_outbox_backlog": max(s.outbox_backlog for s in p.samples),
            "largest_projection_lag": max(s.projection_lag for s in p.samples),
            **await p.latencies(),
            "cpu_s": p.cpu(),
            "cpu_ms_per_registration": p.cpu_per_registration_ms(accepted),
            **split,
            "peak_memory_mb": p.memory(),
            "load_average_end": f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}",
        }


def cpu_split(total: dict[str, float], alone: dict, done: dict[str, int]) -> dict:
    """CPU ms a single check-in (from the stretch where they ran alone) and a batched guest
    (the rest, less the singles that ran alongside), per process."""
    if "cpu" not in alone or done["single"] <= alone["singles_before"]:
        return {"cpu_split": "singles never ran alone"}
    singles_after = done["single"] - alone["singles_before"]
    single = {k: (total[k] - alone["cpu"][k]) / singles_after for k in total}
    batched = {
        k: (alone["cpu"][k] - alone["singles_before"] * single[k]) / done["batched"] for k in total
    }
    return {
        "cpu_ms_per_single": {k: round(1000 * v, 3) for k, v in single.items()},
        "cpu_ms_per_batched": {k: round(1000 * v, 3) for k, v in batched.items()},
        "singles_alone": singles_after,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=250, help="guests per PMS batch")
    parser.add_argument("--batch-clients", type=int, default=3)
    parser.add_argument("--single-clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=32300)
    parser.add_argument(
        "--separate-workers",
        action="store_true",
        help="ingest's relay in a `luutru-ingest worker` process, as deployed",
    )
    parser.add_argument(
        "--watchlist", type=int, default=0, help="more wanted persons, matching nobody"
    )
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
