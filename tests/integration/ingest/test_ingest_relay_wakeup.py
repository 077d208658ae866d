"""A single check-in wakes the outbox relay after its commit, not with a NOTIFY inside its
transaction (a NOTIFY serialises commits cluster-wide), and the wake-ups of many commits
close together go as one."""

from __future__ import annotations

import asyncio

import asyncpg

from luutru_common.db import asyncpg_dsn, make_pool
from luutru_common.outbox import RelayWakeup, notify_channel
from tests.integration.ingest_helpers import guest, staff


class Listener:
    """A LISTEN on ingest's outbox channel, counting the wake-ups it hears."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.heard = 0

    async def __aenter__(self) -> Listener:
        self.conn = await asyncpg.connect(self.dsn)
        await self.conn.add_listener(notify_channel("ingest"), self._hear)
        return self

    def _hear(self, *_) -> None:
        self.heard += 1

    async def __aexit__(self, *_) -> None:
        await self.conn.close()


class Recorder:
    """Stands in for the app's RelayWakeup: counts the requests for a wake-up."""

    def __init__(self) -> None:
        self.asked = 0

    def after_commit(self) -> None:
        self.asked += 1


async def test_a_check_in_asks_for_the_wakeup_after_commit_and_notifies_nothing_itself(
    app, client, signer, facility, service_env
):
    real, recorder = app.state.relay_wakeup, Recorder()
    app.state.relay_wakeup = recorder
    try:
        async with Listener(asyncpg_dsn(service_env["database_url"])) as listener:
            response = await client.post("/v1/stays", json=guest(), headers=staff(signer, facility))
            assert response.status_code == 201
            await asyncio.sleep(0.5)
            assert recorder.asked == 1
            assert listener.heard == 0  # the transaction carried no NOTIFY
            real.after_commit()
            for _ in range(50):
                if listener.heard:
                    break
                await asyncio.sleep(0.1)
            assert listener.heard == 1
    finally:
        app.state.relay_wakeup = real


async def test_wakeups_close_together_go_as_one_notify(service_env):
    dsn = asyncpg_dsn(service_env["database_url"])
    pool = await make_pool(service_env["database_url"], pool_size=2)
    wakeup = RelayWakeup(pool, "ingest", gather_s=0.5)
    task = asyncio.create_task(wakeup.run())
    try:
        async with Listener(dsn) as listener:
            for _ in range(5):
                wakeup.after_commit()
            await asyncio.sleep(0.3)
            wakeup.after_commit()  # while the first is gathering: one more, after it
            for _ in range(100):
                if listener.heard >= 2:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.7)  # and no third
            assert listener.heard == 2
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pool.close()
