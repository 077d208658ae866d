"""accounts' retention rules (docs/privacy.md): none. The registry, users and the audit log are
kept, and an outbox row goes as soon as its event is on Kafka (luutru_common.outbox)."""

from __future__ import annotations

from luutru_accounts.settings import AccountsSettings
from luutru_common.retention import Rule


def rules(settings: AccountsSettings) -> list[Rule]:
    """accounts keeps what it holds: no rule (the `retention` command has nothing to do)."""
    return []
