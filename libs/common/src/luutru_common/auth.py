"""Access tokens: roles, the claims they carry, and local verification against the JWKS.

accounts signs short-lived JWTs with an asymmetric key; ingest and analytics verify them
locally with the public keys from accounts' ``/.well-known/jwks.json`` (cached, refetched
when a token names a key id we have not seen — that is how key rotation reaches them).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import httpx
import jwt
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from luutru_common.problems import Problem

log = structlog.get_logger()

TOKEN_ALGORITHM = "ES256"


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    POLICE_ADMIN = "police_admin"
    POLICE_OFFICER = "police_officer"
    FACILITY_MANAGER = "facility_manager"
    FACILITY_STAFF = "facility_staff"
    DEPARTMENT_ANALYST = "department_analyst"


POLICE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.POLICE_ADMIN, Role.POLICE_OFFICER})
FACILITY_ROLES = frozenset({Role.FACILITY_MANAGER, Role.FACILITY_STAFF})


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    facility_id: uuid.UUID | None = None
    department: str | None = None
    communes: tuple[int, ...] = ()
    scopes: frozenset[str] = field(default_factory=frozenset)
    client: bool = False  # an OAuth2 machine client rather than a person

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        fid = claims.get("facility_id")
        return cls(
            subject=str(claims["sub"]),
            role=Role(claims["role"]),
            facility_id=uuid.UUID(fid) if fid else None,
            department=claims.get("department"),
            communes=tuple(int(c) for c in claims.get("communes", ())),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            client=bool(claims.get("client", False)),
        )


class VerifiedTokens:
    """Tokens already verified, each kept until its own expiry: a client sends the same token
    with every request, and an ES256 verification is the largest CPU cost of a single
    check-in after the database. Bounded (least recently used out first), keyed by the raw
    token, so nothing but a token that verified before ever hits.

    `forget` drops entries (all, or the principals a test matches) — the hook for whatever
    must take effect before a token's expiry, such as revoking it.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        expires, principal = entry
        if time.time() >= expires:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal

    def put(self, token: str, expires: float, principal: Principal) -> None:
        self._entries[token] = (expires, principal)
        self._entries.move_to_end(token)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, matches: Callable[[Principal], bool] | None = None) -> None:
        """Drop every entry, or those whose principal ``matches``."""
        if matches is None:
            self._entries.clear()
            return
        for token in [t for t, (_, p) in self._entries.items() if matches(p)]:
            del self._entries[token]


class TokenVerifier:
    """Verifies tokens against a JWKS document fetched over HTTP and cached by key id."""

    def __init__(self, jwks_url: str, *, issuer: str, audience: str) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self._keys: dict[str, Any] = {}
        self._last_fetch = 0.0
        self._lock = asyncio.Lock()
        self.verified = VerifiedTokens()

    def add_jwks(self, jwks: dict[str, Any]) -> None:
        for entry in jwks.get("keys", []):
            self._keys[entry["kid"]] = jwt.PyJWK(entry).key

    async def _refresh(self) -> None:
        async with self._lock:
            # At most one fetch a second, so garbage kids cannot hammer accounts.
            if time.monotonic() - self._last_fetch < 1.0:
                return
            self._last_fetch = time.monotonic()
            try:
                self.add_jwks(await self.fetch_jwks())
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                log.warning("jwks_fetch_failed", url=self.jwks_url, error=repr(exc))

    async def fetch_jwks(self) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(self.jwks_url)
            response.raise_for_status()
            return response.json()

    async def verify(self, token: str) -> Principal:
        cached = self.verified.get(token)
        if cached is not None:
            return cached
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _unauthenticated("malformed token") from exc
        kid = header.get("kid")
        if not kid:
            raise _unauthenticated("token has no key id")
        if kid not in self._keys:
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise _unauthenticated("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[TOKEN_ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iat", "sub", "role"]},
            )
            principal = Principal.from_claims(claims)
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise _unauthenticated(str(exc)) from exc
        self.verified.put(token, float(claims["exp"]), principal)
        return principal


def _unauthenticated(detail: str) -> Problem:
    return Problem(
        401,
        "unauthenticated",
        "Authentication required",
        f"Chưa xác thực hoặc mã truy cập không hợp lệ / {detail}",
        headers={"WWW-Authenticate": "Bearer"},
    )


_bearer = HTTPBearer(auto_error=False, description="Access token issued by accounts")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthenticated("missing bearer token")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role):
    """Dependency factory: the caller must hold one of ``roles``."""
    allowed = frozenset(roles)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise Problem(
                403,
                "forbidden",
                "Forbidden",
                "Vai trò của bạn không được phép / Your role may not do this",
            )
        return principal

    return dependency


def ensure_scope(principal: Principal, scope: str) -> None:
    """Machine clients (OAuth2 client credentials) act only within the scopes they were
    granted; people are governed by their role alone."""
    if principal.client and scope not in principal.scopes:
        raise Problem(
            403,
            "scope-missing",
            "Missing scope",
            f"Ứng dụng thiếu quyền {scope} / The client lacks the {scope} scope",
        )
