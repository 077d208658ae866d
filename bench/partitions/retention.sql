-- Retention of one month (December 2025, ~400,000 stays): the retention job's way (batches of
-- 1,000 rows, one transaction each, luutru_common.retention) against dropping the partition.
\set ON_ERROR_STOP on
CREATE OR REPLACE PROCEDURE bench_plain.in_batches(statement text, INOUT total bigint DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE n bigint; started timestamptz := clock_timestamp();
BEGIN
  LOOP
    EXECUTE statement;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    COMMIT;
    EXIT WHEN n < 1000;
  END LOOP;
  RAISE NOTICE '% rows in % s', total, round(extract(epoch FROM clock_timestamp() - started)::numeric, 2);
END $$;
\timing on
-- the anonymising rule of ingest.stays as it is (luutru_ingest.retention), one month due
CALL bench_plain.in_batches($$UPDATE bench_plain.stays SET full_name = '', name_key = '',
  document_number = 'anonymised:' || id, legacy_id_number = NULL, visa_number = NULL,
  accompanying_adult_document = NULL, room = NULL,
  date_of_birth = date_trunc('year', date_of_birth)::date
  WHERE id IN (SELECT id FROM bench_plain.stays WHERE full_name <> ''
  AND greatest(received_at, coalesce(check_out_at, received_at)) < timestamptz '2026-01-01 00:00+07' LIMIT 1000)$$);
-- the same on the partitioned table, pruned to the months that can be due
CALL bench_plain.in_batches($$UPDATE bench_part.stays SET full_name = '', name_key = '',
  document_number = 'anonymised:' || id, legacy_id_number = NULL, visa_number = NULL,
  accompanying_adult_document = NULL, room = NULL,
  date_of_birth = date_trunc('year', date_of_birth)::date
  WHERE (id, check_in_date) IN (SELECT id, check_in_date FROM bench_part.stays WHERE full_name <> ''
  AND check_in_date < date '2026-01-02'
  AND greatest(received_at, coalesce(check_out_at, received_at)) < timestamptz '2026-01-01 00:00+07' LIMIT 1000)$$);
-- deleting the month: batches (the retention job's DELETE form) against the partition drop
CALL bench_plain.in_batches($$DELETE FROM bench_plain.stays WHERE ctid IN (SELECT ctid FROM
  bench_plain.stays WHERE check_in_date < date '2026-01-01' LIMIT 1000)$$);
ALTER TABLE bench_part.stays DETACH PARTITION bench_part.stays_202512;
DROP TABLE bench_part.stays_202512;
