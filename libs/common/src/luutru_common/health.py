"""``/livez`` (the process answers), ``/readyz`` (PostgreSQL reachable; Kafka reported) and
``/metrics`` (Prometheus)."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest

router = APIRouter(tags=["ops"])

REQUEST_SECONDS = Histogram(
    "luutru_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


@router.get("/livez", summary="Liveness: the process answers / Tiến trình còn chạy")
async def livez() -> dict[str, str]:
    return {"status": "ok"}


async def _database_ok(request: Request) -> bool:
    # Imported here: the console serves these routes' middleware without a database, and
    # SQLAlchemy would be two fifths of its start-up (issue 14, cold start).
    from sqlalchemy import text

    try:
        async with request.app.state.engine.connect() as conn:
            await asyncio.wait_for(conn.execute(text("SELECT 1")), 2)
        return True
    except Exception:
        return False


async def _kafka_ok(bootstrap: str) -> bool:
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2)
            writer.close()
            return True
        except (OSError, TimeoutError, ValueError):
            continue
    return False


@router.get(
    "/readyz",
    summary=(
        "Readiness: the database reachable (Kafka reported) / Sẵn sàng: CSDL kết nối được "
        "(Kafka báo kèm)"
    ),
    description=(
        "200 khi CSDL kết nối được; Kafka mất kết nối thì `degraded` (vẫn 200): hộp thư đi "
        "giữ sự kiện đến khi Kafka trở lại, nên vẫn nhận khai báo. 503 khi mất CSDL. / 200 "
        "while the database answers; with Kafka unreachable the status is `degraded` but "
        "still 200, since the outbox keeps events until the broker is back and requests can "
        "still be served. 503 without the database."
    ),
)
async def readyz(request: Request) -> JSONResponse:
    database, kafka = await asyncio.gather(
        _database_ok(request), _kafka_ok(request.app.state.settings.kafka_bootstrap)
    )
    checks = {"database": database, "kafka": kafka}
    # Kafka away: the outbox holds the events, so the API goes on serving (degraded).
    status = ("ok" if kafka else "degraded") if database else "unavailable"
    return JSONResponse(
        {"status": status, "checks": checks}, status_code=503 if not database else 200
    )


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Request latency by route template (not raw path, to keep label cardinality bounded)."""

    def __init__(self, app, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = {"code": 500}

        async def capture(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            REQUEST_SECONDS.labels(
                self.service, scope["method"], path, str(status["code"])
            ).observe(time.perf_counter() - start)
