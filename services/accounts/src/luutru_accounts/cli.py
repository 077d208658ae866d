import asyncio
import sys
from pathlib import Path

from luutru_accounts import retention
from luutru_accounts.settings import AccountsSettings
from luutru_common.cli import run_cli
from luutru_common.db import UnitOfWork, make_engine, make_session_factory


def main() -> None:
    if sys.argv[1:2] == ["rotate-key"]:
        asyncio.run(rotate_key())
        return
    if sys.argv[1:2] == ["reseal-keys"]:
        asyncio.run(reseal_keys())
        return
    run_cli(
        service="accounts",
        default_port=8001,
        settings_factory=AccountsSettings,
        migrations_dir=Path(__file__).parent / "migrations",
        append_only_tables=("audit_log",),
        retention=retention.rules,
    )


async def rotate_key() -> None:
    """`luutru-accounts rotate-key`: start signing with a new key (the old one keeps
    verifying until its tokens expire). For operators with database access."""
    from luutru_accounts.audit import service as audit
    from luutru_accounts.auth.keys import rotate
    from luutru_accounts.context import Actor

    settings = AccountsSettings()
    _install_sealer(settings)
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            key, retired = await rotate(uow.session)
            audit.record(
                uow.session,
                Actor("cli", "luutru-accounts rotate-key", "system_admin", None, None, None),
                "signing_key.rotated",
                target_type="signing_key",
                target_id=key.kid,
                details={"retired": retired},
            )
            await uow.commit()
    finally:
        await engine.dispose()
    print(f"new signing key {key.kid}; retired {', '.join(retired) or 'none'}")


def _install_sealer(settings: AccountsSettings) -> None:
    from luutru_accounts.auth.keys import install_sealer
    from luutru_accounts.auth.sealing import LocalKek

    install_sealer(LocalKek.from_values(settings.signing_keks()))


async def reseal_keys() -> None:
    """`luutru-accounts reseal-keys`: seal every signing key with the first configured KEK
    (after putting a new KEK first and keeping the old one after it, for a KEK rotation)."""
    from luutru_accounts.auth.keys import reseal

    settings = AccountsSettings()
    _install_sealer(settings)
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            count = await reseal(uow.session)
            await uow.commit()
    finally:
        await engine.dispose()
    print(f"{count} signing keys sealed again with the current KEK")
