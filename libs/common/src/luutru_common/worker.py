"""``luutru-<service> worker``: the background workers (outbox relay, Kafka consumers)
without the public API, plus a small HTTP server in the same process for Kubernetes and
Prometheus: ``/livez``, ``/readyz`` and ``/metrics``.

SIGTERM (uvicorn's handler) shuts the server down and runs the service's lifespan exit: each
consumer finishes and commits the batch in hand, then leaves its group; the relay deletes what
it has sent (see ``luutru_common.shutdown``)."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from luutru_common.health import router as health_router


def probe_app(service_app: FastAPI) -> FastAPI:
    """An app with only the health routes, whose lifespan is the service app's (so the
    workers start and stop with it) and whose state is the service app's (the engine and
    settings the readiness check reads)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with service_app.router.lifespan_context(service_app):
            yield

    probes = FastAPI(
        title=f"{service_app.title} worker",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    probes.state = service_app.state
    probes.include_router(health_router)
    return probes


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run_worker(app_factory: Callable[..., FastAPI], *, host: str, port: int) -> None:
    """Serve the probe app of the service's app built with its workers forced on, until SIGTERM."""
    # uvicorn handles SIGTERM itself, then raises it again through the handler found before
    # it started: this one, so a worker stopped on purpose exits 0 rather than "killed".
    signal.signal(signal.SIGTERM, _exit_cleanly)
    app = app_factory(force_workers=True)
    uvicorn.run(
        probe_app(app),
        host=host,
        port=port,
        log_level="warning",
        # Longer than the consumers' grace for the batch in hand (20 s).
        timeout_graceful_shutdown=25,
    )
