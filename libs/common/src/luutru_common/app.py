"""The FastAPI application every service is built from: logging, errors, health, database,
token verification and the background workers (outbox relay, consumers)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request

from luutru_common.auth import ClientScopes, TokenVerifier
from luutru_common.body_limit import BodyLimitMiddleware
from luutru_common.db import UnitOfWork, make_engine, make_pool, make_session_factory
from luutru_common.forwarded import TrustedProxyMiddleware
from luutru_common.health import MetricsMiddleware
from luutru_common.health import router as health_router
from luutru_common.json_guard import JsonGuardMiddleware
from luutru_common.logging import CorrelationIdMiddleware, configure_logging
from luutru_common.outbox import OutboxRelay, RelayWakeup
from luutru_common.problems import install_problem_handlers
from luutru_common.retention import Rule, retention_loop
from luutru_common.revocation import RevocationList, polling
from luutru_common.settings import ServiceSettings
from luutru_common.tracing import configure_tracing, flush, instrument

log = structlog.get_logger()

WorkerFactory = Callable[[FastAPI], list[Coroutine[Any, Any, None]]]


class BackgroundWorkers:
    """Long-running coroutines owned by the app; each restarts itself on failure."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[None]] = []

    def start(self, coros: list[Coroutine[Any, Any, None]]) -> None:
        """Run each coroutine as a task of its own, so one failing does not stop the others."""
        self.tasks = [asyncio.create_task(c) for c in coros]

    async def stop(self) -> None:
        """Cancel every task and wait until each has finished its cleanup (shutdown)."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks = []


@asynccontextmanager
async def running(coro: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """A coroutine run as a task for the length of the block, cancelled when it ends."""
    task = asyncio.create_task(coro)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def settle_heap() -> None:
    """Move everything the start-up built (modules, models, compiled statements, caches) out
    of the collector's reach. A full collection otherwise walks that whole heap again every
    time the young objects it promotes grow by a quarter: under load those pauses were the
    worst tail of a single check-in (0.5–0.8 s at 4 connections, bench/README.md). What is
    frozen is never freed — it lives as long as the process anyway; no collection first
    (~0.1 s of CPU at start for the few dozen cycles start-up leaves)."""
    gc.freeze()


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    routers: list[APIRouter],
    workers: WorkerFactory | None = None,
    on_startup: Callable[[FastAPI], Coroutine[Any, Any, None]] | None = None,
    verifier: TokenVerifier | None = None,
    retention: Callable[[Any], list[Rule]] | None = None,
    client_scopes: ClientScopes | None = None,
    body_limits: dict[str, int] | None = None,
    outbox_schema: str | None = None,
    force_workers: bool = False,
) -> FastAPI:
    """``body_limits``: path templates whose bodies may be larger (or must be smaller) than
    ``settings.max_body_bytes`` — the batch endpoint, uploads (see luutru_common.body_limit).

    ``outbox_schema``: the schema whose outbox the embedded relay publishes (every service
    with an outbox has one relay, kept in ``app.state.relay``); ``workers`` adds the
    service's own. ``force_workers``: run the workers whatever the settings say — how
    ``luutru-<service> worker`` builds the app."""
    if force_workers:
        settings = settings.model_copy(update={"embedded_workers": True})
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = make_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            application_name=settings.service_name,
        )
        app.state.session_factory = make_session_factory(app.state.engine)
        # Lagging reads on a standby when one is configured (settings.read_database_url).
        app.state.read_engine = None
        app.state.read_session_factory = app.state.session_factory
        if settings.read_database_url:
            app.state.read_engine = make_engine(
                settings.read_database_url,
                pool_size=settings.database_pool_size,
                application_name=f"{settings.service_name}-read",
            )
            app.state.read_session_factory = make_session_factory(app.state.read_engine)
        app.state.pool = await make_pool(
            settings.database_url,
            pool_size=settings.database_pool_size,
            application_name=settings.service_name,
        )
        stack = contextlib.AsyncExitStack()
        background = BackgroundWorkers()
        try:
            if on_startup is not None:
                await on_startup(app)
            revocations = app.state.token_verifier.revocations
            await stack.enter_async_context(polling(revocations))
            if outbox_schema is not None:
                # Wherever the relay runs (here or in the worker process), this process's
                # hot paths wake it through here rather than a NOTIFY in each transaction.
                app.state.relay_wakeup = RelayWakeup(app.state.pool, outbox_schema)
                await stack.enter_async_context(running(app.state.relay_wakeup.run()))
            if settings.embedded_workers:
                coros = []
                if outbox_schema is not None:
                    app.state.relay = OutboxRelay.for_service(settings, outbox_schema)
                    coros.append(app.state.relay.run())
                coros += workers(app) if workers is not None else []
                if retention is not None and settings.retention_interval_s > 0:
                    coros.append(
                        retention_loop(
                            app.state.engine, retention(settings), settings.retention_interval_s
                        )
                    )
                background.start(coros)
            settle_heap()
            log.info("service_started", service=settings.service_name)
            yield
        finally:
            await stack.aclose()
            await background.stop()
            await app.state.engine.dispose()
            if app.state.read_engine is not None:
                await app.state.read_engine.dispose()
            flush()
            await app.state.pool.close()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.token_verifier = verifier or TokenVerifier(
        settings.jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        cache_path=settings.jwks_cache_file(),
    )
    # Machine clients reach only the endpoints listed here (see luutru_common.auth).
    app.state.client_scopes = client_scopes or {}
    app.state.token_verifier.revocations = RevocationList(
        settings.revocations_endpoint(), interval_s=settings.revocation_poll_s
    )
    install_problem_handlers(app)
    app.include_router(health_router)
    for router in routers:
        app.include_router(router)
    # Innermost, so refused bodies are still measured and carry the correlation id.
    app.add_middleware(JsonGuardMiddleware)
    # In front of the guard, which reads whole bodies: nothing reads more than the limit.
    app.add_middleware(
        BodyLimitMiddleware, default=settings.max_body_bytes, limits=body_limits or {}
    )
    app.add_middleware(MetricsMiddleware, service=settings.service_name)
    app.add_middleware(CorrelationIdMiddleware)
    # Outermost: everything after sees the client's address, never a forged one.
    app.add_middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxies)
    # Around everything else, so the server span (tracing on) times the whole request.
    app.add_middleware(instrument)
    return app


async def get_uow(request: Request) -> UnitOfWork:
    """A fresh, not yet started unit of work: the endpoint opens and commits it itself, so
    the response is sent only after the commit (never in a dependency's teardown).

    `async` on purpose: FastAPI runs a plain `def` dependency in a worker thread, and that
    hop cost more than a tenth of a single check-in's CPU (bench/README.md)."""
    return UnitOfWork(request.app.state.session_factory)


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_uow)]


async def get_read_uow(request: Request) -> UnitOfWork:
    """A unit of work for reads that may lag a few seconds (aggregate feeds): on the standby
    of ``settings.read_database_url`` when set, else the primary. Never write through it."""
    return UnitOfWork(request.app.state.read_session_factory)


ReadUnitOfWorkDep = Annotated[UnitOfWork, Depends(get_read_uow)]
