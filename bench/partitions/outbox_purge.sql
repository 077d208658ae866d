-- The purges of a Tết day's outbox, on the tables bench/partitions/outbox_daily.sql filled
-- (2,000,000 rows recorded two days ago, all published; 50,000 of today besides).
--   1. the relay's purge as it is: DELETE … WHERE published_at < now() - 24 h, every 600
--      rounds. No index has published_at, so each purge reads the whole table: three purges
--      of one minute of rows each, timed.
--   2. the same purge with an index on published_at: the whole day in the relay's slices
--      (every 10 minutes of rows), then the VACUUM that the deletes leave to do.
--   3. one DELETE of the whole day (what the relay does after a pause), then its VACUUM.
--   4. daily partitions: check the day holds no unpublished row, DETACH, DROP.
-- WAL is counted for each. Run on a PostgreSQL of its own: psql "$URL" -f bench/partitions/outbox_purge.sql
\set ON_ERROR_STOP on
DROP TABLE IF EXISTS bench_outbox.sliced;
CREATE TABLE bench_outbox.sliced AS SELECT * FROM bench_outbox.plain;
ALTER TABLE bench_outbox.sliced ADD PRIMARY KEY (id);
CREATE INDEX ON bench_outbox.sliced (id) WHERE published_at IS NULL;
CREATE UNIQUE INDEX ON bench_outbox.sliced (event_id);
VACUUM ANALYZE bench_outbox.sliced;

CREATE OR REPLACE FUNCTION bench_outbox.sliced_purge(first timestamptz, step interval, n int)
RETURNS TABLE (slices int, rows_deleted bigint, total interval, longest interval)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; s0 timestamptz; worst interval := '0'; deleted bigint := 0; c bigint;
BEGIN
  t0 := clock_timestamp();
  FOR i IN 1..n LOOP
    s0 := clock_timestamp();
    DELETE FROM bench_outbox.sliced WHERE published_at < first + i * step;
    GET DIAGNOSTICS c = ROW_COUNT;
    deleted := deleted + c;
    worst := greatest(worst, clock_timestamp() - s0);
  END LOOP;
  slices := n; rows_deleted := deleted; total := clock_timestamp() - t0; longest := worst;
  RETURN NEXT;
END $$;

-- 1. As the relay does it today: a sequential scan of the whole outbox per purge.
SELECT pg_current_wal_lsn() AS before \gset
SELECT * FROM bench_outbox.sliced_purge((current_date - 2)::timestamptz, interval '1 minute', 3);
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_three_purges;

-- 2. With an index on published_at: the rest of the day in 10-minute slices, then VACUUM.
\timing on
CREATE INDEX ON bench_outbox.sliced (published_at);
\timing off
SELECT pg_current_wal_lsn() AS before \gset
SELECT * FROM bench_outbox.sliced_purge((current_date - 2)::timestamptz, interval '10 minutes', 144);
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_sliced_purge;
SELECT pg_current_wal_lsn() AS before \gset
\timing on
VACUUM bench_outbox.sliced;
\timing off
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_vacuum_after_sliced;

-- 3. One DELETE of the whole day, then VACUUM.
SELECT pg_current_wal_lsn() AS before \gset
\timing on
DELETE FROM bench_outbox.plain WHERE published_at < now() - make_interval(hours => 24);
\timing off
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_delete;
SELECT pg_current_wal_lsn() AS before \gset
\timing on
VACUUM bench_outbox.plain;
\timing off
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_vacuum;

-- 4. Daily partitions: nothing unpublished left in the day (the partial index), detach, drop.
SELECT format('daily_%s', to_char(current_date - 2, 'YYYYMMDD')) AS day \gset
SELECT pg_current_wal_lsn() AS before \gset
\timing on
SELECT NOT EXISTS (SELECT 1 FROM bench_outbox.:day WHERE published_at IS NULL) AS day_is_done;
ALTER TABLE bench_outbox.daily DETACH PARTITION bench_outbox.:day;
DROP TABLE bench_outbox.:day;
\timing off
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_drop;
