-- A province-year of stays, twice: bench_plain.stays (one table, as ingest.stays is today) and
-- bench_part.stays (monthly range partitions on check_in_date + a default partition). Same rows
-- in both. Run on a database where `luutru-ingest migrate` has run (the column list is LIKE
-- ingest.stays). :rows (default 4,800,000 = 12 months of ~13,000 a day: a province of a few
-- percent of the national 0.4–0.8 M a day), 3,000 facilities.
\set ON_ERROR_STOP on
\if :{?rows} \else \set rows 4800000 \endif
DROP SCHEMA IF EXISTS bench_plain CASCADE;
DROP SCHEMA IF EXISTS bench_part CASCADE;
CREATE SCHEMA bench_plain;
CREATE SCHEMA bench_part;

CREATE TABLE bench_plain.stays (LIKE ingest.stays INCLUDING DEFAULTS);
CREATE TABLE bench_part.stays (LIKE ingest.stays INCLUDING DEFAULTS)
  PARTITION BY RANGE (check_in_date);
DO $$
DECLARE m date;
BEGIN
  FOR m IN SELECT generate_series(date '2025-12-01', date '2027-01-01', interval '1 month')::date LOOP
    EXECUTE format('CREATE TABLE bench_part.%I PARTITION OF bench_part.stays FOR VALUES FROM (%L) TO (%L)',
                   'stays_' || to_char(m, 'YYYYMM'), m, (m + interval '1 month')::date);
  END LOOP;
  EXECUTE 'CREATE TABLE bench_part.stays_default PARTITION OF bench_part.stays DEFAULT';
END $$;

\timing on
INSERT INTO bench_plain.stays
SELECT gen_random_uuid(),
       ('00000000-0000-4000-8000-' || lpad(to_hex(g % 3000), 12, '0'))::uuid,
       'cccd', lpad((g::bigint * 7919 % 999999999999)::text, 12, '0'),
       'Nguyễn Văn Khách ' || g, 'nguyen van khach ' || g,
       date '1960-01-01' + (g % 20000), CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END, 'VNM', 'VNM',
       (g % 40)::text, NULL,
       ts, ts::date, ts::date + 2, ts + interval '20 minutes', ts + interval '1 day', 0,
       CASE WHEN ts < timestamptz '2026-11-25' THEN 'checked_out' ELSE 'checked_in' END,
       '[]'::jsonb, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, 'typed', 1,
       CASE WHEN ts < timestamptz '2026-11-25' THEN ts + interval '2 days' END, NULL, NULL,
       upper(substr(md5(g::text), 1, 3) || '-' || substr(md5(g::text), 4, 3) || '-' || substr(md5(g::text), 7, 3)) || g,
       NULL
FROM generate_series(1, :rows) g,
     LATERAL (SELECT timestamptz '2025-12-01 00:00+07' + (g::float8 / :rows) * interval '365 days' AS ts) t;
INSERT INTO bench_part.stays SELECT * FROM bench_plain.stays;

-- ingest.stays' constraints; on the partitioned table every unique key must hold check_in_date.
ALTER TABLE bench_plain.stays ADD PRIMARY KEY (id),
  ADD UNIQUE (facility_id, document_number, check_in_date), ADD UNIQUE (receipt_number);
CREATE INDEX ON bench_plain.stays (facility_id, check_in_date, id);
ALTER TABLE bench_part.stays ADD PRIMARY KEY (id, check_in_date),
  ADD UNIQUE (facility_id, document_number, check_in_date), ADD UNIQUE (receipt_number, check_in_date);
CREATE INDEX ON bench_part.stays (facility_id, check_in_date, id);
VACUUM ANALYZE bench_plain.stays;
VACUUM ANALYZE bench_part.stays;
SELECT 'plain' AS t, pg_size_pretty(pg_total_relation_size('bench_plain.stays')) AS size
UNION ALL
SELECT 'partitioned', pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits
 WHERE inhparent = 'bench_part.stays'::regclass;
