"""Stopping cleanly: work in hand is finished before a cancellation (shutdown) takes effect."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

import structlog

log = structlog.get_logger()

T = TypeVar("T")


async def finish_when_cancelled(work: Awaitable[T], grace_s: float) -> T:
    """Await ``work``; if the caller is cancelled meanwhile (SIGTERM stops the workers by
    cancelling them), let ``work`` run to its end for up to ``grace_s`` seconds before passing
    the cancellation on — a consumer batch is then committed and a published outbox batch
    deleted, instead of being rolled back and handled again by the next owner."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if not task.done():
            log.info("finishing_batch_before_stop", grace_s=grace_s)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, grace_s)
        raise
