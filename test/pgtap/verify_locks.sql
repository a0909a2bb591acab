-- test/pgtap/verify_locks.sql: verify(), assert(), revision() and status()
-- never wait on a table lock, because they read only the catalogs.
--
-- A second session (dblink) holds ACCESS EXCLUSIVE on every table of the
-- extension, as a migration would.  With statement_timeout = 1s this session
-- must still get every check of verify() (the same rows as without the lock),
-- a quiet assert(), and answers from revision() and status().  The same on a
-- schema carrying every kind of drift whose text verify() deparses
-- (expression index, partial index, CHECK and EXCLUDE constraints, generated
-- column, trigger with WHEN, rule, policy): those definitions are built
-- without opening the table.  And pg_locks shows that verify() took no lock
-- on any of the tables or their indexes.
--
-- The second session must see committed tables: this test runs in a database
-- of its own, created here and dropped at the end.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS home_db \gset
\set pgpassword ''
\getenv pgpassword PGPASSWORD
DROP DATABASE IF EXISTS flashcard_schema_test_vlocks WITH (FORCE);
CREATE DATABASE flashcard_schema_test_vlocks
    TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c flashcard_schema_test_vlocks
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
CREATE EXTENSION dblink;
\ir ../lib/data_helpers.psql
SET statement_timeout = '60s';

SELECT no_plan();  -- finish() prints the plan: the count of what ran

-- 1.4, not the default: the checks below name 1.4's objects, which a later
-- revision may not have (test/bin/next_revision.sh runs this suite at a 1.5)
CREATE EXTENSION flashcard_schema VERSION '1.4';
CREATE TEMP TABLE clean AS
SELECT object_type, object_name, check_name, ok, expected, actual FROM flashcard_schema_verify();
CREATE TEMP TABLE clean_status AS SELECT * FROM flashcard_schema_status();

-- The relations verify() must not lock: the tables and all their indexes.
CREATE FUNCTION pg_temp.contract_relations() RETURNS SETOF oid LANGUAGE sql AS $$
    SELECT c.oid FROM pg_class c
     WHERE c.relnamespace = (SELECT extnamespace FROM pg_extension WHERE extname = 'flashcard_schema')
       AND c.relname = ANY (pg_temp.flashcard_tables())
    UNION ALL
    SELECT x.indexrelid FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid
     WHERE c.relnamespace = (SELECT extnamespace FROM pg_extension WHERE extname = 'flashcard_schema')
       AND c.relname = ANY (pg_temp.flashcard_tables())
$$;

SELECT ok((SELECT count(*) FROM clean) > 500 AND (SELECT bool_and(ok) FROM clean),
    'without a lock: verify() returns its checks, all ok');

SELECT is(dblink_connect('blocker', pg_temp.connstr(current_database(), :'pgpassword')), 'OK',
    'a second session connects (dblink)');
SELECT is(dblink_exec('blocker', 'SET idle_in_transaction_session_timeout = ''5min'''), 'SET',
    'the second session will not outlive a crashed test by long');

-- The second session takes ACCESS EXCLUSIVE on the eight tables and keeps it.
CREATE FUNCTION pg_temp.lock_all() RETURNS text LANGUAGE sql AS $$
    SELECT dblink_exec('blocker', 'BEGIN')
        || ' ' || dblink_exec('blocker', pg_catalog.format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE',
               (SELECT string_agg(quote_ident(t), ', ') FROM unnest(pg_temp.flashcard_tables()) t)))
$$;
CREATE FUNCTION pg_temp.locked_by_other() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_locks l
     WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted
       AND l.pid <> pg_backend_pid()
       AND l.relation IN (SELECT r FROM pg_temp.contract_relations() r
                          WHERE (SELECT relkind FROM pg_class WHERE oid = r) = 'r')
$$;

SELECT is(pg_temp.lock_all(), 'BEGIN LOCK TABLE', 'the second session locks every table ACCESS EXCLUSIVE');
SELECT is(pg_temp.locked_by_other(), 8::bigint,
    'pg_locks: the second session holds ACCESS EXCLUSIVE on all 8 tables');

SET statement_timeout = '1s';
SELECT results_eq(
    $$SELECT object_type, object_name, check_name, ok, expected, actual FROM flashcard_schema_verify()$$,
    $$SELECT * FROM clean$$,
    'behind ACCESS EXCLUSIVE, statement_timeout 1s: verify() returns every check, all as without the lock');
SELECT lives_ok('SELECT flashcard_schema_assert()',
    'behind ACCESS EXCLUSIVE, statement_timeout 1s: assert() is quiet');
SELECT is(flashcard_schema_revision(), (SELECT installed_version FROM clean_status),
    'behind ACCESS EXCLUSIVE, statement_timeout 1s: revision() answers');
SELECT results_eq('SELECT * FROM flashcard_schema_status()', 'SELECT * FROM clean_status',
    'behind ACCESS EXCLUSIVE, statement_timeout 1s: status() answers');
SET statement_timeout = '60s';

-- and verify() took no lock at all on the tables or their indexes
BEGIN;
SELECT count(*) AS n FROM flashcard_schema_verify() \gset
SELECT is(:n::bigint, (SELECT count(*) FROM clean), 'inside a transaction: verify() answers');
SELECT is_empty(
    $$SELECT relation::regclass::text, mode FROM pg_locks
       WHERE pid = pg_backend_pid() AND locktype = 'relation'
         AND relation IN (SELECT pg_temp.contract_relations())$$,
    'pg_locks: verify() took no lock on any table of the extension or its indexes');
SELECT flashcard_schema_assert();
SELECT is_empty(
    $$SELECT relation::regclass::text, mode FROM pg_locks
       WHERE pid = pg_backend_pid() AND locktype = 'relation'
         AND relation IN (SELECT pg_temp.contract_relations())$$,
    'pg_locks: nor did assert()');
COMMIT;

SELECT is(dblink_exec('blocker', 'ROLLBACK'), 'ROLLBACK', 'the second session releases its locks');

-- Drift whose definitions verify() deparses: each spelled without opening the table.
CREATE INDEX ix_cards_lower_front ON cards (lower(front_text)) WHERE order_index > 0;
ALTER TABLE decks ADD CONSTRAINT decks_name_excl EXCLUDE USING btree ((lower(name)) WITH =);
ALTER TABLE card_statistics ADD CONSTRAINT easiness_positive CHECK (easiness_factor > 0);
ALTER TABLE users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;
CREATE FUNCTION pg_temp_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER cards_touch BEFORE UPDATE ON cards FOR EACH ROW
    WHEN (OLD.front_text IS DISTINCT FROM NEW.front_text) EXECUTE FUNCTION pg_temp_noop();
CREATE RULE decks_keep AS ON DELETE TO decks WHERE OLD.is_active DO INSTEAD NOTHING;
ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY reviews_recent ON reviews USING (reviewed_at > '2020-01-01'::timestamptz);
CREATE TEMP TABLE drifted AS
SELECT object_type, object_name, check_name, ok, expected, actual FROM flashcard_schema_verify();
SELECT ok((SELECT count(*) FILTER (WHERE NOT ok) FROM drifted) >= 7,
    'the drifted schema: verify() reports the drift (seven extra objects or more)');
SELECT is((SELECT count(*) FROM drifted WHERE actual LIKE '%lower(%' OR actual LIKE '%easiness_factor >%'
           OR actual LIKE '%front_text IS DISTINCT FROM%' OR actual LIKE '%reviewed_at >%'), 5::bigint,
    'the drifted schema: the five expressions are deparsed (index, EXCLUDE, CHECK, trigger WHEN, policy)');

SELECT is(pg_temp.lock_all(), 'BEGIN LOCK TABLE', 'the second session locks every table again');
SELECT is(pg_temp.locked_by_other(), 8::bigint,
    'pg_locks: the second session holds ACCESS EXCLUSIVE on all 8 tables');
SET statement_timeout = '1s';
SELECT results_eq(
    $$SELECT object_type, object_name, check_name, ok, expected, actual FROM flashcard_schema_verify()$$,
    $$SELECT * FROM drifted$$,
    'drifted schema behind ACCESS EXCLUSIVE, statement_timeout 1s: verify() returns the same rows');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', NULL,
    'drifted schema behind ACCESS EXCLUSIVE, statement_timeout 1s: assert() raises the drift, not a timeout');
SET statement_timeout = '60s';
SELECT is(dblink_exec('blocker', 'ROLLBACK'), 'ROLLBACK', 'the second session releases its locks');
SELECT is(dblink_disconnect('blocker'), 'OK', 'the second session disconnects');

SELECT * FROM finish();
\c :home_db
SET client_min_messages = warning;
DROP DATABASE flashcard_schema_test_vlocks WITH (FORCE);
