-- 100,000 ids and facilities to look up (the same rows in both schemas).
\set ON_ERROR_STOP on
DROP TABLE IF EXISTS bench_plain.sample;
CREATE TABLE bench_plain.sample AS
  SELECT row_number() OVER () AS n, id, facility_id FROM bench_plain.stays TABLESAMPLE SYSTEM (3) LIMIT 100000;
CREATE UNIQUE INDEX ON bench_plain.sample (n);
ANALYZE bench_plain.sample;
