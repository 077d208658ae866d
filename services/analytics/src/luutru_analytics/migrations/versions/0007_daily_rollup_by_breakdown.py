"""daily rollup per guest dimension (the breakdown feeds), filled from stay_facts

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from luutru_common import backfill
from luutru_common.backfill import Backfill
from luutru_common.migration_ddl import columns

revision = "0007"
down_revision = "0006"

# The same counts the stay handlers keep (rollup.apply_changes), for the stays already
# stored; a fresh database has none. `luutru-analytics rebuild` refills it from the events.
# In batches of stays (luutru_common.backfill): each batch adds its stays' counts to the rows
# (the same row gets counts from many batches), so a rerun after a kill resumes exactly.
BACKFILL = Backfill(
    name="0007_stay_daily_breakdown",
    schema="analytics",
    table="stay_facts",
    key="stay_id",
    key_type="uuid",
    work="""
WITH per AS (  -- stays alike in everything the rollup keeps, counted once
  SELECT dim.name, dim.value, s.facility_type, s.commune_code,
    coalesce(s.star_rating, 0) AS star_rating, s.check_in_date, s.night_end, s.check_out_date,
    count(*) AS stays
  FROM analytics.stay_facts s
  CROSS JOIN LATERAL (VALUES ('nationality', s.nationality),
    ('residence', s.country_of_residence), ('age_group', s.age_band), ('gender', s.gender),
    ('origin_province', coalesce(s.origin_province, 'unknown'))) AS dim(name, value)
  WHERE NOT s.voided AND s.stay_id IN (SELECT k FROM batch)
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
)
INSERT INTO analytics.stay_daily_breakdown AS r (dimension, day, facility_type, commune_code,
  star_rating, value, arrivals, nights, departures)
SELECT per.name, x.day, per.facility_type, per.commune_code, per.star_rating, per.value,
  sum(x.a * per.stays), sum(x.n * per.stays), sum(x.d * per.stays)
FROM per
CROSS JOIN LATERAL (
  SELECT per.check_in_date AS day, 1 AS a, 0 AS n, 0 AS d
  UNION ALL
  SELECT g::date, 0, 1, 0
  FROM generate_series(per.check_in_date, per.night_end - 1, interval '1 day') g
  UNION ALL
  SELECT per.check_out_date, 0, 0, 1 WHERE per.check_out_date IS NOT NULL
) x
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (dimension, day, facility_type, commune_code, star_rating, value) DO UPDATE SET
  arrivals = r.arrivals + excluded.arrivals, nights = r.nights + excluded.nights,
  departures = r.departures + excluded.departures
""",
)


def upgrade() -> None:
    # Idempotent: after a kill during the backfill below, the migration runs again.
    op.create_table(
        "stay_daily_breakdown",
        *columns(
            "dimension text not null",
            "day date not null",
            "facility_type text not null",
            "commune_code integer not null",
            "star_rating integer not null",
            "value text not null",
            "arrivals integer not null default 0",
            "nights integer not null default 0",
            "departures integer not null default 0",
        ),
        sa.PrimaryKeyConstraint(
            "dimension",
            "day",
            "facility_type",
            "commune_code",
            "star_rating",
            "value",
            name=op.f("pk_stay_daily_breakdown"),
        ),
        schema="analytics",
        if_not_exists=True,
    )
    with op.get_context().autocommit_block():
        backfill.run(op.get_bind(), BACKFILL)


def downgrade() -> None:
    backfill.forget(op.get_bind(), BACKFILL)
    op.drop_table("stay_daily_breakdown", schema="analytics")
