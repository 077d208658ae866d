"""Access tokens: roles, the claims they carry, and local verification against the JWKS.

accounts signs short-lived JWTs with an asymmetric key; ingest and analytics verify them
locally with the public keys from accounts' ``/.well-known/jwks.json`` (cached, refetched
when a token names a key id we have not seen — that is how key rotation reaches them).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from luutru_common.problems import Problem
from luutru_common.revocation import RevocationList

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
        """The principal a verified token's claims describe (facility, department and communes when
        the role has them)."""
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
        self._entries: OrderedDict[str, tuple[float, Principal, dict[str, Any]]] = OrderedDict()

    def get(self, token: str) -> tuple[Principal, dict[str, Any]] | None:
        """The principal and claims of a token verified before and not yet expired."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        expires, principal, claims = entry
        if time.time() >= expires:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal, claims

    def put(self, token: str, expires: float, principal: Principal, claims: dict[str, Any]) -> None:
        """Remember a verified token until `expires`, dropping the least recently used beyond
        `size`."""
        self._entries[token] = (expires, principal, claims)
        self._entries.move_to_end(token)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, matches: Callable[[Principal], bool] | None = None) -> None:
        """Drop every entry, or those whose principal ``matches``."""
        if matches is None:
            self._entries.clear()
            return
        for token in [t for t, (_, p, _) in self._entries.items() if matches(p)]:
            del self._entries[token]


class TokenVerifier:
    """Verifies tokens against a JWKS document fetched over HTTP and cached by key id.

    The last key set fetched is kept in a file (``cache_path``) and read back at start, so a
    service restarted while accounts or its database is down still knows the keys. When a
    token names a key we do not have and the key set cannot be fetched, the answer is 503
    with Retry-After: the platform is down, the client's credentials are not wrong.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        cache_path: str | Path | None = None,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.cache_path = Path(cache_path) if cache_path else None
        self._keys: dict[str, Any] = {}
        self._jwks: dict[str, dict[str, Any]] = {}  # kid → the JWK as published
        self._last_fetch = 0.0
        self._last_fetch_failed = False
        self._lock = asyncio.Lock()
        # Sessions, users, clients and facilities whose tokens no longer hold (set by the app).
        self.revocations: RevocationList | None = None
        self._load_cache()
        self.verified = VerifiedTokens()

    def add_jwks(self, jwks: dict[str, Any]) -> None:
        """Trust the public keys of a JWKS document (by key id), besides those known already."""
        for entry in jwks.get("keys", []):
            self._keys[entry["kid"]] = jwt.PyJWK(entry).key
            self._jwks[entry["kid"]] = entry

    def _load_cache(self) -> None:
        if self.cache_path is None or not self.cache_path.exists():
            return
        try:
            self.add_jwks(json.loads(self.cache_path.read_text()))
            log.info("jwks_cache_loaded", path=str(self.cache_path), keys=len(self._keys))
        except (OSError, ValueError, KeyError, jwt.PyJWTError) as exc:
            log.warning("jwks_cache_unreadable", path=str(self.cache_path), error=repr(exc))

    def _save_cache(self) -> None:
        if self.cache_path is None:
            return
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.cache_path.with_suffix(".partial")
            partial.write_text(json.dumps({"keys": list(self._jwks.values())}))
            os.replace(partial, self.cache_path)  # a reader never sees half a file
        except OSError as exc:
            log.warning("jwks_cache_unwritable", path=str(self.cache_path), error=repr(exc))

    async def _refresh(self) -> None:
        async with self._lock:
            # At most one fetch a second, so garbage kids cannot hammer accounts.
            if time.monotonic() - self._last_fetch < 1.0:
                return
            self._last_fetch = time.monotonic()
            try:
                self.add_jwks(await self.fetch_jwks())
            except Exception as exc:  # any failure means "keys unavailable"
                self._last_fetch_failed = True
                log.warning("jwks_fetch_failed", url=self.jwks_url, error=repr(exc))
                return
            self._last_fetch_failed = False
            self._save_cache()

    async def fetch_jwks(self) -> dict[str, Any]:
        """The JWKS document from `jwks_url` (accounts overrides this to read its own table)."""
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(self.jwks_url)
            response.raise_for_status()
            return response.json()

    async def verify(self, token: str) -> Principal:
        """The principal of a valid, unrevoked token; 401 problem otherwise, 503 when the key is
        unknown and the keys cannot be fetched."""
        cached = self.verified.get(token)
        if cached is not None:
            # Revocation takes effect within seconds, so it is checked even for a known token.
            principal, claims = cached
            self._check_revoked(claims)
            return principal
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _unauthenticated("malformed token") from exc
        kid = header.get("kid")
        if not kid:
            raise _unauthenticated("token has no key id")
        if kid not in self._keys:
            await self._refresh()
        if kid not in self._keys and not self._last_fetch_failed:
            # Fetched less than a second ago, maybe just before accounts made this key (a
            # rotation): fetch once more when the second is up, so a new key is never refused.
            # Garbage kids still cost at most one fetch a second.
            await asyncio.sleep(max(0.0, 1.01 - (time.monotonic() - self._last_fetch)))
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            if self._last_fetch_failed:
                raise keys_unavailable()
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
        self.verified.put(token, float(claims["exp"]), principal, claims)
        self._check_revoked(claims)
        return principal

    def _check_revoked(self, claims: dict[str, Any]) -> None:
        if self.revocations is not None:
            self.revocations.check(claims)


KEYS_RETRY_AFTER_S = 5


def keys_unavailable() -> Problem:
    """The 503 answered while no signing key can be fetched: a retry in seconds cures it, so it is
    not a 401."""
    return Problem(
        503,
        "keys-unavailable",
        "Signing keys unavailable",
        "Tạm thời không kiểm tra được mã truy cập, vui lòng thử lại sau ít giây / The "
        "signing keys cannot be fetched right now; retry in a few seconds",
        headers={"Retry-After": str(KEYS_RETRY_AFTER_S)},
    )


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
    """Dependency: the caller of the request, from its bearer token; a machine client only on the
    endpoints its scopes allow."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthenticated("missing bearer token")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(credentials.credentials)
    if principal.client:
        _check_client_scope(request, principal)
    return principal


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


ClientScopes = Mapping[tuple[str, str], frozenset[str]]
"""What a machine client needs for each endpoint: (method, route path) → the scopes any one
of which admits it. An endpoint not listed is closed to machine clients."""


def client_scopes(table: Mapping[tuple[str, str], str | tuple[str, ...]]) -> ClientScopes:
    """The table of a service, written with a scope or a tuple of alternatives per endpoint."""
    return {
        key: frozenset((value,) if isinstance(value, str) else value)
        for key, value in table.items()
    }


def _check_client_scope(request: Request, principal: Principal) -> None:
    """Machine clients are checked against the service's table before any endpoint runs, so
    a new endpoint is closed to them until it is given a scope (deny by default)."""
    route = request.scope.get("route")
    table: ClientScopes = getattr(request.app.state, "client_scopes", {})
    needed = table.get((request.method, getattr(route, "path", "")))
    if not needed:
        raise Problem(
            403,
            "client-not-allowed",
            "Not open to API clients",
            "Ứng dụng (API client) không được dùng chức năng này / API clients may not use "
            "this endpoint",
        )
    if not needed & principal.scopes:
        wanted = " | ".join(sorted(needed))
        raise Problem(
            403,
            "scope-missing",
            "Missing scope",
            f"Ứng dụng thiếu quyền {wanted} / The client lacks the {wanted} scope",
        )


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


def require_scope(scope: str, *roles: Role):
    """Dependency factory: the caller holds one of ``roles`` and, when it is a machine
    client, was granted ``scope`` (see `ensure_scope`). Returns the checked principal."""
    by_role = require_roles(*roles)

    # A default, not an Annotated hint: with postponed annotations FastAPI could not resolve
    # a name local to this function.
    async def dependency(principal: Principal = Depends(by_role)) -> Principal:
        ensure_scope(principal, scope)
        return principal

    return dependency
