"""outbox payloads kept as the JSON text their writer serialised, not jsonb (relay publishes it
as written; no parse on insert, no rendering on read)"""

from luutru_common.migration_ddl import payload_text_revision

revision = "0009"
down_revision = "0008"

upgrade, downgrade = payload_text_revision("ingest")
