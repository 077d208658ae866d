"""Signing keys, the JWKS document, token minting and key rotation.

Rotation adds a new key and retires the current one: a retired key signs nothing more but stays
in the JWKS until every token it signed has expired (access-token lifetime plus a margin), so
ingest and analytics keep verifying them; unknown key ids make them refetch the JWKS.

Private keys are stored sealed (core/sealing.py) under a KEK the process holds and the database
does not; the sealer is process-wide, like the KEK it holds (`install_sealer` at start).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.core.sealing import KeySealer
from luutru_accounts.models import SigningKey
from luutru_common.auth import TOKEN_ALGORITHM

_sealer: KeySealer | None = None
# Opened keys by (kid, sealed value): unsealing and parsing once per key, not per token.
_opened: dict[tuple[str, str], str] = {}


def install_sealer(sealer: KeySealer) -> None:
    """Set the sealer that opens and seals the private keys (at start, from the configured KEKs)."""
    global _sealer
    _sealer = sealer
    _opened.clear()


def sealer() -> KeySealer:
    """The installed sealer; it is an error to sign or rotate before one is installed."""
    if _sealer is None:
        raise RuntimeError("no signing-key sealer installed (install_sealer)")
    return _sealer


def private_pem(key: SigningKey) -> str:
    """The key's private PEM, opened with the installed KEK."""
    if key.sealed_private_key is None:  # a key from before sealing, not yet sealed at start
        raise RuntimeError(f"signing key {key.kid} is not sealed")
    cached = _opened.get((key.kid, key.sealed_private_key))
    if cached is None:
        cached = sealer().unseal(key.sealed_private_key, context=key.kid).decode()
        _opened[(key.kid, key.sealed_private_key)] = cached
    return cached


def _new_key() -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    kid = datetime.now(UTC).strftime("%Y%m%d%H%M%S-") + uuid.uuid4().hex[:8]
    jwk = json.loads(ECAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": TOKEN_ALGORITHM, "use": "sig"})
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    sealed = sealer().seal(pem, context=kid)
    return SigningKey(kid=kid, sealed_private_key=sealed, public_jwk=json.dumps(jwk))


async def _lock(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('accounts-signing-key'))"))


async def ensure_signing_key(session: AsyncSession) -> None:
    """Create the first key if there is none; safe when several replicas start together.
    Keys stored in clear by an older version are sealed on the way."""
    await _lock(session)
    for key in await session.scalars(select(SigningKey).where(SigningKey.private_pem.isnot(None))):
        key.sealed_private_key = sealer().seal(key.private_pem.encode(), context=key.kid)
        key.private_pem = None
    existing = await session.scalar(select(SigningKey).where(SigningKey.retired_at.is_(None)))
    if existing is None:
        session.add(_new_key())


async def rotate(session: AsyncSession) -> tuple[SigningKey, list[str]]:
    """Start signing with a new key; retire the current ones (they keep verifying)."""
    await _lock(session)
    retired = (
        await session.scalars(
            update(SigningKey)
            .where(SigningKey.retired_at.is_(None))
            .values(retired_at=datetime.now(UTC))
            .returning(SigningKey.kid)
        )
    ).all()
    key = _new_key()
    # created_at from the clock, not the transaction start, so the new key sorts last.
    key.created_at = datetime.now(UTC)
    session.add(key)
    await session.flush()
    return key, list(retired)


async def reseal(session: AsyncSession) -> int:
    """Seal every key again with the current KEK (after adding a new one); returns how many."""
    await _lock(session)
    count = 0
    for key in await session.scalars(select(SigningKey)):
        if key.sealed_private_key and not sealer().is_current(key.sealed_private_key):
            plaintext = sealer().unseal(key.sealed_private_key, context=key.kid)
            key.sealed_private_key = sealer().seal(plaintext, context=key.kid)
            count += 1
    return count


async def jwks(session: AsyncSession, *, retired_for_s: int = 3600) -> dict:
    """Active keys and keys retired less than ``retired_for_s`` ago."""
    horizon = datetime.now(UTC) - timedelta(seconds=retired_for_s)
    keys = (
        await session.scalars(
            select(SigningKey)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > horizon))
            .order_by(SigningKey.created_at)
        )
    ).all()
    return {"keys": [json.loads(k.public_jwk) for k in keys]}


async def current_key(session: AsyncSession) -> SigningKey:
    """The newest signing key not retired: the one that signs now."""
    key = await session.scalar(
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc())
        .limit(1)
    )
    if key is None:
        raise RuntimeError("no active signing key")
    return key


def mint_token(key: SigningKey, *, claims: dict, issuer: str, audience: str, ttl_s: int) -> str:
    """A signed JWT: `claims` (None values dropped), issuer, audience, lifetime and a fresh `jti`;
    its `kid` header names the key that verifies it."""
    now = int(time.time())
    payload = {
        **{k: v for k, v in claims.items() if v is not None},
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        payload, private_pem(key), algorithm=TOKEN_ALGORITHM, headers={"kid": key.kid}
    )
