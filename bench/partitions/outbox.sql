-- The outbox at national scale: one day of stay events (600,000, the middle of DOMAIN.md's
-- 0.4–0.8 M a day; payload ~1.2 kB like a stay.v1 event), published, then purged the way the
-- relay does it (one DELETE of rows published more than retention_hours ago).
\set ON_ERROR_STOP on
DROP TABLE IF EXISTS bench_plain.outbox;
CREATE TABLE bench_plain.outbox (LIKE ingest.outbox INCLUDING ALL);
\timing on
INSERT INTO bench_plain.outbox (event_id, topic, key, event_type, payload, created_at, published_at)
SELECT gen_random_uuid(), 'stay.v1', g::text, 'stay.checked_in',
       jsonb_build_object('stay_id', gen_random_uuid(), 'full_name', 'Nguyễn Văn Khách ' || g,
                          'note', repeat('x', 1000)),
       now() - interval '2 days', now() - interval '2 days'
FROM generate_series(1, 600000) g;
VACUUM ANALYZE bench_plain.outbox;
SELECT pg_size_pretty(pg_total_relation_size('bench_plain.outbox')) AS outbox_size;
SELECT pg_current_wal_lsn() AS before \gset
DELETE FROM bench_plain.outbox WHERE published_at < now() - make_interval(hours => 24);
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'before')) AS wal_of_delete;
