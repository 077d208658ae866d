"""Sealed signing keys (luutru_accounts.core.sealing): the private keys in accounts.signing_keys
are encrypted under a KEK that is not in the database; tokens still sign and verify, rotation
and KEK rotation keep working, and a dump of the schema holds no usable private key."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from luutru_accounts.app import create_app
from luutru_accounts.core.sealing import DEV_SIGNING_KEK, LocalKek, SealingError
from luutru_accounts.settings import AccountsSettings
from luutru_common.auth import TokenVerifier
from tests.integration.accounts_helpers import accounts_settings, admin_token
from tests.integration.conftest import TEST_DB
from tests.support import PG_PORT, bearer, running_app, service_database_env

NEW_KEK = base64.b64encode(os.urandom(32)).decode()


async def signing_rows(test_database) -> list[dict]:
    engine = create_async_engine(test_database)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT * FROM accounts.signing_keys ORDER BY kid"))
            return [dict(r._mapping) for r in rows]
    finally:
        await engine.dispose()


async def verified_role(client, token: str) -> str:
    verifier = TokenVerifier("unused", issuer="luutru-accounts", audience="luutru")
    verifier.add_jwks((await client.get("/.well-known/jwks.json")).json())
    return (await verifier.verify(token)).role


async def test_a_dump_of_the_accounts_schema_has_no_usable_private_key(client, test_database):
    token = await admin_token(client)
    assert await verified_role(client, token) == "police_admin"
    dump = (
        await asyncio.to_thread(
            subprocess.run,
            ["pg_dump", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "luutru", "-n", "accounts"]
            + ["--data-only", "-t", "accounts.signing_keys", TEST_DB],
            capture_output=True,
            text=True,
            check=True,
        )
    ).stdout
    rows = await signing_rows(test_database)
    assert rows and all(r["private_pem"] is None for r in rows)
    assert "PRIVATE KEY" not in dump
    for row in rows:
        sealed = row["sealed_private_key"]
        assert sealed in dump  # the dump has exactly what is stored…
        blob = base64.b64decode(sealed.split(":", 2)[2])
        with pytest.raises(ValueError):  # …which is no key in any encoding
            serialization.load_der_private_key(blob, password=None)
        # …and opens only with the KEK, for its own kid.
        with pytest.raises(SealingError):
            LocalKek.from_values([NEW_KEK]).unseal(sealed, context=row["kid"])
        with pytest.raises(SealingError):
            LocalKek.from_values([DEV_SIGNING_KEK]).unseal(sealed, context="another-kid")
        pem = LocalKek.from_values([DEV_SIGNING_KEK]).unseal(sealed, context=row["kid"])
        key = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)


async def test_a_key_stored_in_clear_is_sealed_at_start(test_database):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk = json.loads(ECAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": "legacy-clear", "alg": "ES256", "use": "sig"})
    engine = create_async_engine(test_database)
    try:
        async with engine.begin() as conn:  # as an older version left it: the current key
            await conn.execute(text("UPDATE accounts.signing_keys SET retired_at = now()"))
            await conn.execute(
                text(
                    "INSERT INTO accounts.signing_keys (kid, private_pem, public_jwk)"
                    " VALUES ('legacy-clear', :pem, :jwk)"
                ),
                {"pem": pem, "jwk": json.dumps(jwk)},
            )
    finally:
        await engine.dispose()
    async with running_app(create_app(accounts_settings(test_database))) as client:
        token = await admin_token(client)
        assert jwt.get_unverified_header(token)["kid"] == "legacy-clear"
        # signed by the very key that was in clear, now opened from its sealed form
        jwt.decode(token, private.public_key(), algorithms=["ES256"], audience="luutru")
    [row] = [r for r in await signing_rows(test_database) if r["kid"] == "legacy-clear"]
    assert row["private_pem"] is None and row["sealed_private_key"].startswith("aesgcm:")


async def test_kek_rotation_reseals_every_key_and_tokens_keep_verifying(test_database, tmp_path):
    async with running_app(create_app(accounts_settings(test_database))) as client:
        before = await admin_token(client)
        rotated = await client.post("/v1/auth/keys/rotate", headers=bearer(before))
        assert rotated.status_code == 200, rotated.text
    done = await reseal(f"{NEW_KEK},{DEV_SIGNING_KEK}")
    assert int(done.split()[0]) >= 2
    rows = await signing_rows(test_database)
    new_only = LocalKek.from_values([NEW_KEK])
    assert all(new_only.is_current(r["sealed_private_key"]) for r in rows)
    # The old KEK alone opens nothing any more; the new one alone signs and verifies.
    with pytest.raises(SealingError):
        LocalKek.from_values([DEV_SIGNING_KEK]).unseal(
            rows[0]["sealed_private_key"], context=rows[0]["kid"]
        )
    kek_file = tmp_path / "kek"  # as a mounted secret
    await asyncio.to_thread(kek_file.write_text, NEW_KEK)
    app = create_app(accounts_settings(test_database, signing_kek_file=str(kek_file)))
    async with running_app(app) as client:
        after = await admin_token(client)
        assert await verified_role(client, after) == "police_admin"
        assert await verified_role(client, before) == "police_admin"  # old key still published
    # back to the development KEK for the tests that follow on this database
    await reseal(f"{DEV_SIGNING_KEK},{NEW_KEK}")


async def reseal(keks: str) -> str:
    env = {**os.environ, **service_database_env(TEST_DB, "accounts"), "LUUTRU_SIGNING_KEK": keks}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "luutru_accounts", "reseal-keys"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_production_refuses_the_development_kek(tmp_path):
    strong = {
        "bootstrap_admin_password": "a-real-admin-password-2026",
        "environment": "prod",
        "kafka_password": "a-real-kafka-password-2026",
    }
    with pytest.raises(ValueError, match="SIGNING_KEK"):
        AccountsSettings(**strong, database_url=PROD_URL)
    with pytest.raises(ValueError, match="SIGNING_KEK"):
        AccountsSettings(**strong, database_url=PROD_URL, signing_kek=DEV_SIGNING_KEK)
    kek = tmp_path / "kek"
    kek.write_text(NEW_KEK)
    settings = AccountsSettings(**strong, database_url=PROD_URL, signing_kek_file=str(kek))
    assert settings.signing_keks() == [NEW_KEK]


PROD_URL = "postgresql+asyncpg://luutru_accounts:Xk9-real-secret@db:5432/luutru"
