"""outbox rows deleted once Kafka holds their event: no index on unpublished rows, no unique
event id (the relay deletes instead of marking; published_at kept for the old release)"""

from luutru_common.migration_ddl import delete_on_publish_revision

revision = "0018"
down_revision = "0017"

upgrade, downgrade = delete_on_publish_revision("analytics")
