import asyncio

from luutru_accounts import retention
from luutru_accounts.settings import AccountsSettings
from luutru_common.cli import Command, run_cli
from luutru_common.db import UnitOfWork, make_engine, make_session_factory


def main() -> None:
    """`luutru-accounts`: the shared commands, plus rotate-key and reseal-keys."""
    run_cli(
        "accounts",
        settings_factory=AccountsSettings,
        append_only_tables=("audit_log",),
        retention=retention.rules,
        commands={
            "rotate-key": Command(
                "start signing tokens with a new key", lambda: asyncio.run(rotate_key())
            ),
            "reseal-keys": Command(
                "seal every signing key with the first configured KEK",
                lambda: asyncio.run(reseal_keys()),
            ),
        },
    )


async def rotate_key() -> None:
    """`luutru-accounts rotate-key`: start signing with a new key (the old one keeps
    verifying until its tokens expire). For operators with database access."""
    from luutru_accounts.context import Actor
    from luutru_accounts.core import audit
    from luutru_accounts.core.keys import rotate

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
    from luutru_accounts.core.keys import install_sealer
    from luutru_accounts.core.sealing import LocalKek

    install_sealer(LocalKek.from_values(settings.signing_keks()))


async def reseal_keys() -> None:
    """`luutru-accounts reseal-keys`: seal every signing key with the first configured KEK
    (after putting a new KEK first and keeping the old one after it, for a KEK rotation)."""
    from luutru_accounts.core.keys import reseal

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
