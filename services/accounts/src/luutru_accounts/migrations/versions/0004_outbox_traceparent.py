"""outbox rows keep the W3C trace context of the request that recorded them (tracing)"""

from luutru_common.migration_ddl import traceparent_revision

revision = "0004"
down_revision = "0003"

upgrade, downgrade = traceparent_revision("accounts")
