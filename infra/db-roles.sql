-- The database roles of luutru; idempotent, run by a superuser on every start (infra/local.sh,
-- the compose postgres init, tests/support.py). Kubernetes declares the same roles as
-- CloudNativePG managed roles (deploy/k8s/base/postgres) and runs the database part below.
--
--   psql -v database=luutru -v admin=luutru [-v luutru_accounts_password=…] -f db-roles.sql
--
-- Per service <svc> in accounts, ingest, analytics:
--   luutru_<svc>_owner  owns schema <svc> (tables, triggers, functions); only
--                       `luutru-<svc> migrate` connects as it, and migrate grants the runtime
--                       role its rights (luutru_common.migrations.runtime_grants)
--   luutru_<svc>        what the API and the workers connect as: rows of its own schema only,
--                       no DDL, no trigger changes, nothing in the other schemas
-- The admin role (the database owner, for operators and the tests) is a member of the owners.
-- A password variable left unset gives the role its own name as password (development only:
-- the services refuse it in production).
\set ON_ERROR_STOP 1
\if :{?admin}
\else
  \set admin luutru
\endif
\if :{?luutru_accounts_owner_password}
\else
  \set luutru_accounts_owner_password luutru_accounts_owner
\endif
\if :{?luutru_accounts_password}
\else
  \set luutru_accounts_password luutru_accounts
\endif
\if :{?luutru_ingest_owner_password}
\else
  \set luutru_ingest_owner_password luutru_ingest_owner
\endif
\if :{?luutru_ingest_password}
\else
  \set luutru_ingest_password luutru_ingest
\endif
\if :{?luutru_analytics_owner_password}
\else
  \set luutru_analytics_owner_password luutru_analytics_owner
\endif
\if :{?luutru_analytics_password}
\else
  \set luutru_analytics_password luutru_analytics
\endif

-- One at a time per database. An advisory lock is the database's own, so runs on different
-- databases of one cluster (test workers) can still clash on the cluster-wide roles
-- ("tuple concurrently updated"): tests/support.py runs them one at a time.
SELECT pg_advisory_lock(hashtext('luutru db-roles')) \gset

-- Roles are cluster-wide: create the missing ones, keep every password in step.
CREATE TEMPORARY TABLE luutru_roles (name text, password text, owner boolean);
INSERT INTO luutru_roles VALUES
  ('luutru_accounts_owner', :'luutru_accounts_owner_password', true),
  ('luutru_accounts', :'luutru_accounts_password', false),
  ('luutru_ingest_owner', :'luutru_ingest_owner_password', true),
  ('luutru_ingest', :'luutru_ingest_password', false),
  ('luutru_analytics_owner', :'luutru_analytics_owner_password', true),
  ('luutru_analytics', :'luutru_analytics_password', false);

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', name)
  FROM luutru_roles WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', name, password) FROM luutru_roles \gexec
-- Whatever the server's own settings, statements of these roles never leave their parameters
-- (names, document numbers) or an error's DETAIL ("Key (…)=(…)", "Failing row contains …")
-- in the PostgreSQL log.
SELECT format('ALTER ROLE %I SET %s', name, setting) FROM luutru_roles,
  unnest(ARRAY['log_parameter_max_length = 0', 'log_parameter_max_length_on_error = 0',
               'log_error_verbosity = terse']) setting \gexec
SELECT format('GRANT %I TO %I', name, :'admin') FROM luutru_roles
  WHERE owner AND NOT pg_has_role(:'admin', name, 'MEMBER') \gexec

-- This database: the owners may create their schema in it, everyone may connect.
SELECT format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', :'database', name)
  FROM luutru_roles WHERE owner \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'database', name)
  FROM luutru_roles WHERE NOT owner \gexec

-- A schema migrated before the roles existed belongs to the admin: hand it and everything in
-- it to its owner role, so migrate (as the owner) can go on from there.
DO $$
DECLARE
  s text;
  o record;
BEGIN
  FOREACH s IN ARRAY ARRAY['accounts', 'ingest', 'analytics'] LOOP
    CONTINUE WHEN NOT EXISTS (
      SELECT FROM pg_namespace n WHERE n.nspname = s
        AND pg_get_userbyid(n.nspowner) <> 'luutru_' || s || '_owner');
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', s, 'luutru_' || s || '_owner');
    FOR o IN
      SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = s AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          -- a serial's sequence follows its table
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
            AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
      EXECUTE format('ALTER %s %I.%I OWNER TO %I',
        CASE o.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
          WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
        s, o.relname, 'luutru_' || s || '_owner');
    END LOOP;
    FOR o IN
      SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n
        ON n.oid = p.pronamespace WHERE n.nspname = s
    LOOP
      EXECUTE format('ALTER FUNCTION %s OWNER TO %I', o.fn, 'luutru_' || s || '_owner');
    END LOOP;
  END LOOP;
END $$;
