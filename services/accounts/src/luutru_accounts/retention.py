"""accounts' retention rules (docs/privacy.md): the registry, users and the audit log are kept;
only published outbox rows go."""

from __future__ import annotations

from luutru_accounts.settings import AccountsSettings
from luutru_common.retention import Rule, outbox_rule


def rules(settings: AccountsSettings) -> list[Rule]:
    """accounts' only retention rule: published outbox rows go after the configured days."""
    return [outbox_rule("accounts", settings.outbox_retention_days)]
