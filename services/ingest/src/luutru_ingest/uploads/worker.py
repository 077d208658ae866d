"""The upload worker: claims stored uploads (FOR UPDATE SKIP LOCKED + a lease) and processes
them. It runs with the other ingest workers; after a crash, the lease expires and whichever
worker comes next resumes the upload where its last committed chunk ended."""

from __future__ import annotations

import asyncio
import time

import structlog
from prometheus_client import Gauge
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common.db import UnitOfWork
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.settings import IngestSettings
from luutru_ingest.uploads import repository, service

log = structlog.get_logger()

UPLOAD_QUEUE = Gauge("luutru_upload_queue", "Uploads waiting or being processed")
UPLOAD_QUEUE_OLDEST_AGE = Gauge(
    "luutru_upload_queue_oldest_seconds",
    "Age of the oldest upload waiting or being processed (0 when none)",
)
QUEUE_REPORT_INTERVAL_S = 10.0


class UploadWorker:
    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        *,
        settings: IngestSettings,
        rule: DeadlineRule,
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.rule = rule

    async def run_once(self) -> bool:
        """Claim and process one upload; False when none is waiting."""
        async with UnitOfWork(self.factory) as uow:
            upload_id = await repository.claim_next(uow.session, self.settings.upload_lease_s)
            await uow.commit()
        if upload_id is None:
            return False
        log.info("upload_processing", upload_id=str(upload_id))
        await service.process(self.factory, upload_id, settings=self.settings, rule=self.rule)
        return True

    async def drain(self) -> None:
        while await self.run_once():
            pass

    async def report_queue(self) -> tuple[int, float]:
        """Uploads waiting or being processed, and the age of the oldest of them."""
        async with self.factory() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)),"
                        " 0)::float8 FROM ingest.uploads WHERE status IN ('pending', 'processing')"
                    )
                )
            ).one()
        UPLOAD_QUEUE.set(row[0])
        UPLOAD_QUEUE_OLDEST_AGE.set(row[1])
        return row[0], row[1]

    async def run(self) -> None:
        reported = 0.0
        while True:
            try:
                if time.monotonic() - reported >= QUEUE_REPORT_INTERVAL_S:
                    reported = time.monotonic()
                    await self.report_queue()
                if not await self.run_once():
                    await asyncio.sleep(self.settings.upload_poll_interval_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("upload_worker_error", error=repr(exc))
                await asyncio.sleep(1.0)
