"""Revocation that reaches every service within seconds: accounts publishes what no longer
holds (``GET /v1/auth/revocations``) and every service polls it every couple of seconds, so
an access token stops working everywhere soon after its session ends — long before it expires.

What is listed: sessions ended (logout, refresh-token reuse, password reset), users disabled,
API clients revoked, facilities suspended or closed. Sessions and clients stay listed only as
long as a token of theirs could still be alive. Should accounts be unreachable, the last list
is kept (tokens are short-lived; refusing every token would stop the platform).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog

from luutru_common.problems import Problem

log = structlog.get_logger()

POLL_INTERVAL_S = 2.0


@dataclass
class Revoked:
    sessions: frozenset[str] = field(default_factory=frozenset)
    subjects: frozenset[str] = field(default_factory=frozenset)
    clients: frozenset[str] = field(default_factory=frozenset)
    facilities: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Revoked:
        """The lists as accounts serves them, every id as text."""
        return cls(**{k: frozenset(map(str, body.get(k, ()))) for k in cls.__dataclass_fields__})

    def reason(self, claims: dict[str, Any]) -> str | None:
        """Why a token with these claims no longer holds, if it does not."""
        if claims.get("sid") and str(claims["sid"]) in self.sessions:
            return "session ended"
        if str(claims.get("sub")) in self.subjects:
            return "account disabled"
        if claims.get("azp") and str(claims["azp"]) in self.clients:
            return "client revoked"
        if claims.get("facility_id") and str(claims["facility_id"]) in self.facilities:
            return "facility suspended or closed"
        return None


class RevocationList:
    """Polled from accounts; ``check`` refuses a token whose session, user, client or
    facility is listed."""

    def __init__(
        self,
        url: str,
        *,
        interval_s: float = POLL_INTERVAL_S,
        fetch: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    ) -> None:
        self.url = url
        self.interval_s = interval_s
        self.revoked = Revoked()
        self._fetch = fetch or self._fetch_http
        self._failing = False
        self._client: httpx.AsyncClient | None = None

    async def _fetch_http(self) -> dict[str, Any]:
        # One client for the app's lifetime: a new one builds a TLS context (the CA bundle
        # read and parsed), which cost a tenth of the CPU of a busy service (bench/README.md).
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=5)
        response = await self._client.get(self.url)
        response.raise_for_status()
        return response.json()

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def use(self, fetch: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        """Fetch the list another way (accounts reads its own database; tests)."""
        self._fetch = fetch

    async def refresh(self) -> None:
        """Fetch the list once; on failure keep the last one and warn once until it works again."""
        try:
            self.revoked = Revoked.from_json(await self._fetch())
            self._failing = False
        except Exception as exc:  # keep the last list; say so once, not every poll
            if not self._failing:
                log.warning("revocations_unavailable", url=self.url, error=repr(exc))
            self._failing = True

    async def run(self) -> None:
        """Refresh every `interval_s` until cancelled."""
        while True:
            await self.refresh()
            await asyncio.sleep(self.interval_s)

    def check(self, claims: dict[str, Any]) -> None:
        """Raise the 401 token-revoked when the claims' session, user, client or facility is on
        the list."""
        reason = self.revoked.reason(claims)
        if reason is not None:
            raise Problem(
                401,
                "token-revoked",
                "Token revoked",
                f"Phiên đăng nhập không còn hiệu lực, vui lòng đăng nhập lại / The token no "
                f"longer holds ({reason}); sign in again",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )


@contextlib.asynccontextmanager
async def polling(revocations: RevocationList):
    """Poll for the lifetime of an app."""
    await revocations.refresh()
    task = asyncio.create_task(revocations.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await revocations.close()
