-- The relay's purge as luutru_common.outbox now does it (OutboxRelay._purge): the primary key
-- walked from the oldest row, 10,000 ids a DELETE, up to the first row recorded within the
-- retention. On bench_outbox.ranged (outbox_daily.sql: the Tết day, 2,000,000 rows recorded
-- two days ago and published, no index on published_at). Each purge commits on its own, as
-- the relay's statements do (in one long transaction the deleted rows would never count as
-- dead and every walk would step over all of them again): three purges of one minute of
-- rows, then the rest of the day in 10-minute slices, then VACUUM.
-- Run on a PostgreSQL of its own, after outbox_daily.sql:
--   psql "$URL" -f bench/partitions/outbox_purge_ranges.sql
\set ON_ERROR_STOP on
-- One purge with the cutoff at `cutoff` (what _purge does with now() - 24 h).
CREATE OR REPLACE FUNCTION bench_outbox.ranged_purge(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE start bigint; nxt record; deleted bigint := 0; c bigint;
BEGIN
  SELECT min(id) INTO start FROM bench_outbox.ranged;
  WHILE start IS NOT NULL LOOP
    DELETE FROM bench_outbox.ranged WHERE id >= start AND id < start + 10000 AND published_at < cutoff;
    GET DIAGNOSTICS c = ROW_COUNT; deleted := deleted + c;
    SELECT id, created_at INTO nxt FROM bench_outbox.ranged WHERE id >= start + 10000 ORDER BY id LIMIT 1;
    EXIT WHEN nxt.id IS NULL OR nxt.created_at >= cutoff;
    start := nxt.id;
  END LOOP;
  RETURN deleted;
END $$;
CREATE TABLE IF NOT EXISTS bench_outbox.purges (run text, n int, rows_deleted bigint, took interval);
CREATE OR REPLACE PROCEDURE bench_outbox.ranged_purges(run text, first timestamptz, step interval, n int)
LANGUAGE plpgsql AS $$
DECLARE s0 timestamptz; d bigint;
BEGIN
  FOR i IN 1..n LOOP
    s0 := clock_timestamp();
    d := bench_outbox.ranged_purge(first + i * step);
    INSERT INTO bench_outbox.purges VALUES (run, i, d, clock_timestamp() - s0);
    COMMIT;
  END LOOP;
END $$;

SELECT pg_current_wal_lsn() AS before \gset
CALL bench_outbox.ranged_purges('minutes', (current_date - 2)::timestamptz, interval '1 minute', 3);
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_three_purges;
SELECT pg_current_wal_lsn() AS before \gset
CALL bench_outbox.ranged_purges('day', (current_date - 2)::timestamptz, interval '10 minutes', 144);
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_the_day;
SELECT run, count(*) AS purges, sum(rows_deleted) AS rows_deleted, sum(took) AS total,
       max(took) AS longest, percentile_cont(0.5) WITHIN GROUP (ORDER BY took) AS median
FROM bench_outbox.purges GROUP BY run ORDER BY run DESC;
SELECT pg_current_wal_lsn() AS before \gset
\timing on
VACUUM bench_outbox.ranged;
\timing off
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_vacuum;
SELECT count(*) AS rows_left FROM bench_outbox.ranged;
