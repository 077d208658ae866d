-- The outbox on a Tết day: 2,000,000 events recorded in one day (DOMAIN.md's peak of
-- 1.5–2 M registrations, one stay.v1 event each; payload ~1.2 kB like the event), all
-- published, then gone a day later. Two shapes with the same rows and the columns and indexes
-- of ingest.outbox (luutru_common.migration_ddl.create_outbox + traceparent):
--   bench_outbox.plain  one table, emptied the way the relay does it (DELETE of rows published
--                       more than 24 h ago), once in one statement and once in the slices the
--                       relay's purge takes (every 600 rounds: here every 10 minutes of rows)
--   bench_outbox.daily  partitioned by created_at, one partition a day: the day goes by
--                       DETACH + DROP once no row in it is unpublished or younger than 24 h
-- Then the relay's steady work on each shape: fetch 500 unpublished rows, mark them published
-- by id (the keys of the partitioned table carry created_at, so the UPDATE by id probes every
-- live partition).
-- Run on a PostgreSQL of its own: psql "$URL" -f bench/partitions/outbox_daily.sql
\set ON_ERROR_STOP on
\set rows 2000000
DROP SCHEMA IF EXISTS bench_outbox CASCADE;
CREATE SCHEMA bench_outbox;

CREATE TABLE bench_outbox.plain (
    id bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    topic text NOT NULL, key text NOT NULL, event_type text NOT NULL,
    payload jsonb NOT NULL, correlation_id text,
    created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz,
    traceparent text);
CREATE INDEX ON bench_outbox.plain (id) WHERE published_at IS NULL;

CREATE TABLE bench_outbox.daily (
    id bigserial NOT NULL,
    event_id uuid NOT NULL,
    topic text NOT NULL, key text NOT NULL, event_type text NOT NULL,
    payload jsonb NOT NULL, correlation_id text,
    created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz,
    traceparent text,
    PRIMARY KEY (id, created_at), UNIQUE (event_id, created_at)) PARTITION BY RANGE (created_at);
CREATE INDEX ON bench_outbox.daily (id) WHERE published_at IS NULL;
-- The Tết day (two days ago), yesterday, today and tomorrow.
SELECT format('CREATE TABLE bench_outbox.daily_%s PARTITION OF bench_outbox.daily '
              'FOR VALUES FROM (%L) TO (%L)', to_char(d, 'YYYYMMDD'), d, d + 1) AS ddl
FROM generate_series(-2, 1) i, LATERAL (SELECT current_date + i AS d) x \gexec

\timing on
-- Two days ago, spread over the day, published a second after being recorded.
INSERT INTO bench_outbox.plain (event_id, topic, key, event_type, payload, created_at, published_at, traceparent)
SELECT gen_random_uuid(), 'stay.v1', g::text, 'stay.checked_in',
       jsonb_build_object('stay_id', gen_random_uuid(), 'full_name', 'Nguyễn Văn Khách ' || g,
                          'note', repeat('x', 1000)),
       t, t + interval '1 second',
       '00-' || md5(g::text) || '-' || left(md5(g::text || 's'), 16) || '-01'
FROM generate_series(1, :rows) g,
     LATERAL (SELECT (current_date - 2)::timestamptz + (g * interval '86399 seconds' / :rows) AS t) x;
INSERT INTO bench_outbox.daily SELECT * FROM bench_outbox.plain;
\timing off
-- A third copy for bench/partitions/outbox_purge_ranges.sql (the relay's purge as built).
CREATE TABLE bench_outbox.ranged (LIKE bench_outbox.plain INCLUDING ALL);
VACUUM ANALYZE bench_outbox.plain;
VACUUM ANALYZE bench_outbox.daily;
SELECT pg_size_pretty(pg_total_relation_size('bench_outbox.plain')) AS plain_size,
       pg_size_pretty(pg_total_relation_size(format('bench_outbox.daily_%s', to_char(current_date - 2, 'YYYYMMDD'))::regclass)) AS day_partition_size;

-- The relay's steady work, each shape, with today's 50,000 unpublished rows waiting.
INSERT INTO bench_outbox.plain (event_id, topic, key, event_type, payload, created_at)
SELECT gen_random_uuid(), 'stay.v1', g::text, 'stay.checked_in',
       jsonb_build_object('note', repeat('x', 1000)), now() FROM generate_series(1, 50000) g;
INSERT INTO bench_outbox.daily SELECT * FROM bench_outbox.plain WHERE published_at IS NULL;
INSERT INTO bench_outbox.ranged SELECT * FROM bench_outbox.plain;
VACUUM ANALYZE bench_outbox.ranged;
ANALYZE bench_outbox.plain;
ANALYZE bench_outbox.daily;
CREATE FUNCTION bench_outbox.relay_rounds(tbl regclass, rounds int) RETURNS interval
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); ids bigint[];
BEGIN
  FOR i IN 1..rounds LOOP
    EXECUTE format('SELECT array_agg(id) FROM (SELECT id FROM %s WHERE published_at IS NULL '
                   'ORDER BY id LIMIT 500) x', tbl) INTO ids;
    EXECUTE format('UPDATE %s SET published_at = now() WHERE id = ANY($1)', tbl) USING ids;
  END LOOP;
  RETURN (clock_timestamp() - t0) / rounds;
END $$;
SELECT bench_outbox.relay_rounds('bench_outbox.plain', 50) AS plain_round_of_500,
       bench_outbox.relay_rounds('bench_outbox.daily', 50) AS daily_round_of_500;
-- The purges: bench/partitions/outbox_purge.sql (on these tables).
