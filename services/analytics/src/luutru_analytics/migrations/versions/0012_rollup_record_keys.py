"""record-key sums beside the rollup counts: the cell keys by which the feeds round what
they publish (feeds/perturbation.py), filled from stay_facts

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from luutru_common import backfill
from luutru_common.backfill import Backfill

revision = "0012"
down_revision = "0011"

TABLES = ("stay_daily", "stay_daily_area", "stay_daily_breakdown", "stay_daily_province")
COLUMNS = ("arrival_keys", "night_keys", "departure_keys")

# The record key of a stay (feeds/perturbation.record_key): 24 bits of SHA-256 of its id.
# Each stay's contributions (its arrival day, its nights, its check-out day), with its key,
# as the stay handlers keep them (rollup.apply_changes); a fresh database has none. Only the
# stays of the batch (luutru_common.backfill): each batch adds its stays' keys to the rows,
# so a rerun after a kill carries on after the last batch, no stay counted twice.
CONTRIBUTIONS = """(
SELECT s.facility_id, s.facility_type, s.commune_code, coalesce(s.star_rating, 0) AS star,
  s.nationality, s.country_of_residence, s.age_band, s.gender,
  coalesce(s.origin_province, 'unknown') AS origin_province, x.day, x.i,
  ('x' || left(encode(sha256(uuid_send(s.stay_id)), 'hex'), 6))::bit(24)::int AS key
FROM analytics.stay_facts s
CROSS JOIN LATERAL (
  SELECT s.check_in_date AS day, 0 AS i
  UNION ALL
  SELECT g::date, 1 FROM generate_series(s.check_in_date, s.night_end - 1, interval '1 day') g
  UNION ALL
  SELECT s.check_out_date, 2 WHERE s.check_out_date IS NOT NULL
) x
WHERE NOT s.voided AND s.stay_id IN (SELECT k FROM batch)
) c"""

SUMS = """sum(c.key) FILTER (WHERE c.i = 0) AS ka, sum(c.key) FILTER (WHERE c.i = 1) AS kn,
  sum(c.key) FILTER (WHERE c.i = 2) AS kd"""
ADD = (
    "arrival_keys = r.arrival_keys + coalesce(x.ka, 0), "
    "night_keys = r.night_keys + coalesce(x.kn, 0), "
    "departure_keys = r.departure_keys + coalesce(x.kd, 0)"
)


def per_stay(table: str, work: str) -> Backfill:
    return Backfill(
        name=f"0012_{table}_keys",
        schema="analytics",
        table="stay_facts",
        key="stay_id",
        key_type="uuid",
        work=work,
    )


BY_STAYS = [
    per_stay(
        "stay_daily",
        f"""UPDATE analytics.stay_daily r SET {ADD}
FROM (SELECT c.day, c.facility_id, {SUMS} FROM {CONTRIBUTIONS} GROUP BY 1, 2) x
WHERE r.day = x.day AND r.facility_id = x.facility_id""",
    ),
    per_stay(
        "stay_daily_area",
        f"""UPDATE analytics.stay_daily_area r SET {ADD}
FROM (SELECT c.day, c.facility_type, c.commune_code, c.star, {SUMS}
      FROM {CONTRIBUTIONS} GROUP BY 1, 2, 3, 4) x
WHERE r.day = x.day AND r.facility_type = x.facility_type
  AND r.commune_code = x.commune_code AND r.star_rating = x.star""",
    ),
    per_stay(
        "stay_daily_breakdown",
        f"""UPDATE analytics.stay_daily_breakdown r SET {ADD}
FROM (SELECT dim.name, dim.value, c.day, c.facility_type, c.commune_code, c.star, {SUMS}
      FROM {CONTRIBUTIONS}
      CROSS JOIN LATERAL (VALUES ('nationality', c.nationality),
        ('residence', c.country_of_residence), ('age_group', c.age_band),
        ('gender', c.gender), ('origin_province', c.origin_province)) AS dim(name, value)
      GROUP BY 1, 2, 3, 4, 5, 6) x
WHERE r.dimension = x.name AND r.value = x.value AND r.day = x.day
  AND r.facility_type = x.facility_type AND r.commune_code = x.commune_code
  AND r.star_rating = x.star""",
    ),
]
# The province rollup is the breakdown summed over communes and star ratings; so are its
# keys: after the breakdown's keys, a week of days at a time, each day's rows set whole.
PROVINCE = Backfill(
    name="0012_stay_daily_province_keys",
    schema="analytics",
    table="stay_daily_breakdown",
    key="day",
    key_type="date",
    index_key=True,
    work="""UPDATE analytics.stay_daily_province r SET arrival_keys = x.ka, night_keys = x.kn,
  departure_keys = x.kd
FROM (SELECT dimension, day, facility_type, value, sum(arrival_keys) AS ka,
        sum(night_keys) AS kn, sum(departure_keys) AS kd
      FROM analytics.stay_daily_breakdown WHERE day IN (SELECT k FROM batch)
      GROUP BY 1, 2, 3, 4) x
WHERE r.dimension = x.dimension AND r.day = x.day AND r.facility_type = x.facility_type
  AND r.value = x.value""",
)
DAYS_PER_BATCH = 7


def upgrade() -> None:
    for table in TABLES:
        for column in COLUMNS:
            # Idempotent: after a kill during the backfills below, the migration runs again.
            op.add_column(
                table,
                sa.Column(column, sa.BigInteger(), server_default="0", nullable=False),
                schema="analytics",
                if_not_exists=True,
            )
    with op.get_context().autocommit_block():
        for job in BY_STAYS:
            backfill.run(op.get_bind(), job)
        backfill.run(op.get_bind(), PROVINCE, batch_rows=DAYS_PER_BATCH)


def downgrade() -> None:
    for job in (*BY_STAYS, PROVINCE):
        backfill.forget(op.get_bind(), job)
    for table in TABLES:
        for column in COLUMNS:
            op.drop_column(table, column, schema="analytics")
