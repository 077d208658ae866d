"""The upload worker (wiring, like app.py: it runs both kinds of upload): claims stored uploads (FOR UPDATE SKIP LOCKED + a lease) and processes
them. It runs with the other ingest workers; after a crash, the lease expires and whichever
worker comes next resumes the upload where its last committed chunk ended."""

from __future__ import annotations

import asyncio
import time
import uuid

import structlog
from prometheus_client import Gauge
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common.db import UnitOfWork
from luutru_ingest.core import upload_store
from luutru_ingest.core.upload_intake import failure, finish
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.models import FacilityView
from luutru_ingest.settings import IngestSettings
from luutru_ingest.trips.uploads import process_trip_upload
from luutru_ingest.uploads.service import process_guests

log = structlog.get_logger()

MAX_ATTEMPTS = 5

UPLOAD_QUEUE = Gauge("luutru_upload_queue", "Uploads waiting or being processed")
UPLOAD_QUEUE_OLDEST_AGE = Gauge(
    "luutru_upload_queue_oldest_seconds",
    "Age of the oldest upload waiting or being processed (0 when none)",
)
QUEUE_REPORT_INTERVAL_S = 10.0


async def process(
    factory: async_sessionmaker[AsyncSession],
    upload_id: uuid.UUID,
    *,
    settings: IngestSettings,
    rule: DeadlineRule,
) -> None:
    """Process one claimed upload from where it stopped, by its kind: a guest list (the
    uploads feature) or a trip's passengers (the trips feature)."""
    async with UnitOfWork(factory) as uow:
        upload = await upload_store.get(uow.session, upload_id)
        if upload is None:  # claimed a moment ago: only a manual delete removes it
            return
        facility = await uow.session.get(FacilityView, upload.facility_id)
    if upload.attempts > MAX_ATTEMPTS:
        # A file that crashed the worker this often would crash it forever.
        await finish(factory, upload_id, "failed", None, failure("processing-failed"))
        return
    if facility is None or facility.status != "active":
        await finish(factory, upload_id, "failed", None, failure("facility-not-active"))
        return
    if upload.kind == "trip":
        await process_trip_upload(factory, upload, facility=facility, rule=rule)
    else:
        await process_guests(factory, upload, facility=facility, settings=settings, rule=rule)


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
            upload_id = await upload_store.claim_next(uow.session, self.settings.upload_lease_s)
            await uow.commit()
        if upload_id is None:
            return False
        log.info("upload_processing", upload_id=str(upload_id))
        await process(self.factory, upload_id, settings=self.settings, rule=self.rule)
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
