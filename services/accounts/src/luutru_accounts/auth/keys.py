"""Signing keys, the JWKS document and token minting."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.models import SigningKey
from luutru_common.auth import TOKEN_ALGORITHM


def _new_key() -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    kid = datetime.now(UTC).strftime("%Y%m%d%H%M%S-") + uuid.uuid4().hex[:8]
    jwk = json.loads(ECAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": TOKEN_ALGORITHM, "use": "sig"})
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(kid=kid, private_pem=pem, public_jwk=json.dumps(jwk))


async def ensure_signing_key(session: AsyncSession) -> None:
    """Create the first key if there is none; safe when several replicas start together."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('accounts-signing-key'))"))
    existing = await session.scalar(select(SigningKey).where(SigningKey.retired_at.is_(None)))
    if existing is None:
        session.add(_new_key())


async def jwks(session: AsyncSession) -> dict:
    keys = (await session.scalars(select(SigningKey).order_by(SigningKey.created_at))).all()
    return {"keys": [json.loads(k.public_jwk) for k in keys]}


async def current_key(session: AsyncSession) -> SigningKey:
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
    return jwt.encode(payload, key.private_pem, algorithm=TOKEN_ALGORITHM, headers={"kid": key.kid})
