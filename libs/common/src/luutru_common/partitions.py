"""Monthly range partitions (docs/deploy.md, "Growth"): a table partitioned by a date or time
column has one partition per calendar month (Vietnam time), named ``<table>_pYYYYMM``, and a
default partition ``<table>_default`` so an insert never fails for want of a month.

The DDL lives in two SQL functions per schema, created by a migration as the schema owner and
``SECURITY DEFINER``: the runtime role (which may not create or drop tables, docs/privacy.md)
can call them and nothing more. They only ever touch the partitions of range-partitioned
tables of their own schema.

- ``<schema>.ensure_month_partitions(table, months_ahead)``: creates the partitions of this
  month and the next ``months_ahead``, and of any month whose rows sit in the default partition
  (moving them in); returns the partitions it created. Called by ``luutru-<service> partitions
  ensure``, at each migration and by the workers' retention loop.
- ``<schema>.drop_month_partition(table, month)``: detaches and drops one month's partition,
  never the current month or a later one. Called by the retention run (MonthDrop) once every
  row of that month is past its period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# Months are calendar months where the platform's days are: Vietnam time (ICT, no DST).
ZONE = "Asia/Ho_Chi_Minh"
MONTHS_AHEAD = 3
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"bad identifier {name!r}")
    return name


def functions_sql(schema: str) -> list[str]:
    """The maintenance functions of ``schema`` (CREATE OR REPLACE: a later migration may
    run it again)."""
    s = _ident(schema)
    # The partition key's column and the range-partitioned table, or an error: the function is
    # SECURITY DEFINER, so it must refuse anything but a partitioned table of its schema.
    find_table = f"""
  SELECT c.oid, a.attname, format_type(a.atttypid, a.atttypmod)
    INTO tbl, key, key_type
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_partitioned_table p ON p.partrelid = c.oid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
   WHERE n.nspname = '{s}' AND c.relname = parent AND p.partstrat = 'r' AND p.partnatts = 1;
  IF tbl IS NULL THEN
    RAISE EXCEPTION 'not a range-partitioned table of schema {s}: %', parent;
  END IF;
  -- One maintenance at a time per table (the CronJob and a worker's loop may meet).
  PERFORM pg_advisory_xact_lock(tbl::bigint);"""
    # The parent's grants (the runtime role's rights) on a new partition, so the retention
    # run may lock and read one month directly. SECURITY INVOKER: it can grant only what its
    # caller owns (called from the owner's functions below).
    grants = f"""
CREATE OR REPLACE FUNCTION {s}.grant_as_parent(tbl oid, part text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE acl record;
BEGIN
  FOR acl IN SELECT g.privilege_type, g.grantee FROM pg_class c, aclexplode(c.relacl) g
              WHERE c.oid = tbl AND g.grantee NOT IN (0, c.relowner) LOOP
    EXECUTE format('GRANT %s ON {s}.%I TO %I', acl.privilege_type, part,
                   pg_get_userbyid(acl.grantee));
  END LOOP;
END
$fn$"""
    ensure = f"""
CREATE OR REPLACE FUNCTION {s}.ensure_month_partitions(parent text, months_ahead int DEFAULT 3)
RETURNS SETOF text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET "TimeZone" = '{ZONE}' AS $fn$
DECLARE
  tbl oid; key text; key_type text; months date[]; m date; part text;
  dflt text := parent || '_default';
BEGIN{find_table}
  IF to_regclass(format('{s}.%I', dflt)) IS NULL THEN
    EXECUTE format('CREATE TABLE {s}.%I PARTITION OF {s}.%I DEFAULT', dflt, parent);
    PERFORM {s}.grant_as_parent(tbl, dflt);
    RETURN NEXT dflt;
  END IF;
  -- This month, the months ahead, and every month that fell into the default partition.
  EXECUTE format('SELECT coalesce(array_agg(DISTINCT date_trunc(''month'', %I)::date), ''{{}}'')'
                 ' FROM {s}.%I', key, dflt) INTO months;
  months := months || ARRAY(
    SELECT generate_series(date_trunc('month', now())::date,
                           (date_trunc('month', now()) + make_interval(months => months_ahead))::date,
                           interval '1 month')::date);
  FOREACH m IN ARRAY months LOOP
    part := parent || '_p' || to_char(m, 'YYYYMM');
    CONTINUE WHEN to_regclass(format('{s}.%I', part)) IS NOT NULL;
    EXECUTE format('CREATE TABLE {s}.%I (LIKE {s}.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   part, parent);
    -- Rows that waited in the default partition move to their month before it is attached
    -- (attaching checks that the default holds none of the month's range).
    EXECUTE format('WITH moved AS (DELETE FROM {s}.%I WHERE %I >= %L::%s AND %I < %L::%s'
                   ' RETURNING *) INSERT INTO {s}.%I SELECT * FROM moved',
                   dflt, key, m, key_type, key, (m + interval '1 month')::date, key_type, part);
    EXECUTE format('ALTER TABLE {s}.%I ATTACH PARTITION {s}.%I FOR VALUES FROM (%L) TO (%L)',
                   parent, part, m::text, (m + interval '1 month')::date::text);
    PERFORM {s}.grant_as_parent(tbl, part);
    RETURN NEXT part;
  END LOOP;
END
$fn$"""
    drop = f"""
CREATE OR REPLACE FUNCTION {s}.drop_month_partition(parent text, month date)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET "TimeZone" = '{ZONE}' AS $fn$
DECLARE
  tbl oid; key text; key_type text;
  part text := parent || '_p' || to_char(month, 'YYYYMM');
BEGIN{find_table}
  IF date_trunc('month', month) >= date_trunc('month', now()) THEN
    RAISE EXCEPTION 'month % of % is not over yet', to_char(month, 'YYYY-MM'), parent;
  END IF;
  IF to_regclass(format('{s}.%I', part)) IS NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('ALTER TABLE {s}.%I DETACH PARTITION {s}.%I', parent, part);
  EXECUTE format('DROP TABLE {s}.%I', part);
  RETURN true;
END
$fn$"""
    return [grants, ensure, drop]


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month:%Y%m}"


async def ensure(
    conn: AsyncConnection, schema: str, table: str, months_ahead: int = MONTHS_AHEAD
) -> list[str]:
    """Create what is missing of ``table``'s monthly partitions; the names created."""
    result = await conn.execute(
        text(f"SELECT {_ident(schema)}.ensure_month_partitions(:t, :ahead)"),
        {"t": _ident(table), "ahead": months_ahead},
    )
    return [row[0] for row in result]


@dataclass(frozen=True)
class PartitionState:
    table: str
    months: list[date]  # the months that have a partition, oldest first
    default_rows: int  # rows that found no month (ensure moves them into one)


async def state(conn: AsyncConnection, schema: str, table: str) -> PartitionState:
    """``table``'s monthly partitions and the rows waiting in its default partition."""
    s, t = _ident(schema), _ident(table)
    names = await conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = CAST(:parent AS regclass) ORDER BY c.relname"
        ),
        {"parent": f"{s}.{t}"},
    )
    months = []
    for (name,) in names:
        suffix = name.removeprefix(f"{t}_p")
        if suffix != name and suffix.isdigit() and len(suffix) == 6:
            months.append(date(int(suffix[:4]), int(suffix[4:]), 1))
    default_rows = (await conn.execute(text(f"SELECT count(*) FROM {s}.{t}_default"))).scalar()
    return PartitionState(t, months, int(default_rows or 0))


@dataclass(frozen=True)
class EnsureResult:
    created: list[str]  # partitions created (months ahead, months found in the default)
    from_default: int  # rows that had found no month and were moved into theirs


async def ensure_all(
    engine: AsyncEngine, schema: str, tables: tuple[str, ...], months_ahead: int = MONTHS_AHEAD
) -> dict[str, EnsureResult]:
    """Ensure every partitioned table of the service, one transaction each."""
    results = {}
    for table in tables:
        async with engine.begin() as conn:
            waiting = (await state(conn, schema, table)).default_rows
            created = await ensure(conn, schema, table, months_ahead)
            results[table] = EnsureResult(created, waiting)
    return results
