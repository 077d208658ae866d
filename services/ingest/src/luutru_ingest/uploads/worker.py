"""The upload worker: claims stored uploads (FOR UPDATE SKIP LOCKED + a lease) and processes
them. It runs with the other ingest workers; after a crash, the lease expires and whichever
worker comes next resumes the upload where its last committed chunk ended."""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from luutru_common.db import UnitOfWork
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.settings import IngestSettings
from luutru_ingest.uploads import repository, service

log = structlog.get_logger()


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

    async def run(self) -> None:
        while True:
            try:
                if not await self.run_once():
                    await asyncio.sleep(self.settings.upload_poll_interval_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("upload_worker_error", error=repr(exc))
                await asyncio.sleep(1.0)
