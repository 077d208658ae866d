from __future__ import annotations

from fastapi import FastAPI

from luutru_accounts import retention
from luutru_accounts.admin_units import router as admin_units_router
from luutru_accounts.audit.endpoints import router as audit_router
from luutru_accounts.auth.endpoints import retired_key_horizon
from luutru_accounts.auth.endpoints import router as auth_router
from luutru_accounts.auth.revocations import revoked
from luutru_accounts.auth.service import PASSWORD_CHANGE_AUDIENCE
from luutru_accounts.clients.endpoints import router as clients_router
from luutru_accounts.core import passwords
from luutru_accounts.core.keys import ensure_signing_key, install_sealer, jwks
from luutru_accounts.core.sealing import LocalKek
from luutru_accounts.facilities.endpoints import router as facilities_router
from luutru_accounts.models import SCHEMA
from luutru_accounts.names import router as names_router
from luutru_accounts.settings import AccountsSettings
from luutru_accounts.users import service as users
from luutru_accounts.users.endpoints import router as users_router
from luutru_common.app import create_service_app
from luutru_common.auth import TokenVerifier
from luutru_common.body_limit import MULTIPART_MARGIN
from luutru_common.db import UnitOfWork

DESCRIPTION = """
**accounts** — sổ đăng ký cơ sở lưu trú, người dùng và vai trò, cấp mã truy cập, nhật ký.

Facility registry, users and roles, token issuing (password, refresh, OAuth2 client
credentials), API clients and the audit log. Public keys for verifying tokens are at
`/.well-known/jwks.json`. Errors are `application/problem+json` (RFC 9457). A user who must
change the password first gets a token good only for `POST /v1/auth/password`. See
docs/accounts.md.
"""


def create_app(settings: AccountsSettings | None = None, *, force_workers: bool = False) -> FastAPI:
    """The accounts API: it verifies its own tokens and revocations from its own tables (not over
    HTTP), signs with keys sealed by the configured KEKs, and creates the bootstrap admin at start.
    """
    settings = settings or AccountsSettings()
    install_sealer(LocalKek.from_values(settings.signing_keks()))
    passwords.install_cost(
        memory_kib=settings.password_hash_memory_kib, time_cost=settings.password_hash_time_cost
    )

    async def on_startup(app: FastAPI) -> None:
        async with UnitOfWork(app.state.session_factory) as uow:
            await ensure_signing_key(uow.session)
            await users.ensure_bootstrap_admin(
                uow.session,
                username=settings.bootstrap_admin_username,
                password=settings.bootstrap_admin_password,
            )
            await uow.commit()
            # The key set, kept to be served while the database is down.
            app.state.last_jwks = await jwks(
                uow.session, retired_for_s=retired_key_horizon(settings)
            )

    app: FastAPI | None = None

    class OwnKeysVerifier(TokenVerifier):
        """accounts verifies its own tokens from its own table, not over HTTP."""

        async def fetch_jwks(self) -> dict:
            if app is None:
                raise RuntimeError("the app is built before its keys are asked for")
            async with UnitOfWork(app.state.session_factory) as uow:
                return await jwks(uow.session, retired_for_s=retired_key_horizon(settings))

    app = create_service_app(
        settings=settings,
        verifier=OwnKeysVerifier(
            settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        ),
        title="luutru accounts",
        description=DESCRIPTION,
        routers=[
            auth_router,
            facilities_router,
            admin_units_router,
            names_router,
            users_router,
            clients_router,
            audit_router,
        ],
        outbox_schema=SCHEMA,
        force_workers=force_workers,
        retention=retention.rules,
        on_startup=on_startup,
        body_limits={"/v1/facilities/import": settings.import_max_bytes + MULTIPART_MARGIN},
    )

    # accounts reads what no longer holds from its own database, not over HTTP.
    async def own_revocations() -> dict:
        async with UnitOfWork(app.state.session_factory) as uow:
            return await revoked(uow.session, settings)

    app.state.token_verifier.revocations.use(own_revocations)
    # Accepts only the tokens of users who must change their password (their own audience).
    app.state.password_change_verifier = OwnKeysVerifier(
        settings.jwks_url, issuer=settings.jwt_issuer, audience=PASSWORD_CHANGE_AUDIENCE
    )
    return app
