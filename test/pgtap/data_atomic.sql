-- test/pgtap/data_atomic.sql: a failed or interrupted update leaves the previous
-- version intact.
--
-- (a) An error in a later step: at 1.0, decklevel already has a label 'C1'
--     (added by hand, committed), so ALTER EXTENSION ... UPDATE TO '1.2' fails
--     in its second step (1.1 -> 1.2).  Run as a top-level statement of its
--     own transaction in a second session (dblink): afterwards the database
--     is still at 1.0, the first step's columns are gone, the catalog facts
--     and the rows are what they were.
-- (b) A cancelled backend: a second session downgrades 1.2 -> 1.0 (accepting
--     data loss); its first step (1.2 -> 1.1: moves a C1 deck to B2, rewrites
--     decks) completes, its second step waits for users, which this session
--     holds.  pg_cancel_backend cancels it: version, catalog facts, rows and
--     relfilenodes are what they were.
--
-- Both need committed state seen by two sessions: this test runs in a
-- database of its own, created here and dropped at the end.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS home_db \gset
\set pgpassword ''
\getenv pgpassword PGPASSWORD
DROP DATABASE IF EXISTS flashcard_schema_test_atomic WITH (FORCE);
CREATE DATABASE flashcard_schema_test_atomic
    TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c flashcard_schema_test_atomic
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
CREATE EXTENSION dblink;
\ir ../lib/data_helpers.psql
\ir ../lib/catalog_facts.psql
SET statement_timeout = '60s';

SELECT no_plan();  -- finish() prints the plan: the count of what ran

SELECT is(dblink_connect('other', pg_temp.connstr(current_database(), :'pgpassword')), 'OK',
    'a second session connects (dblink)');
SELECT is(dblink_exec('other', 'SET statement_timeout = ''60s'''), 'SET',
    'the second session has a statement_timeout too');
SELECT pid AS other_pid FROM dblink('other', 'SELECT pg_backend_pid()') AS t(pid int) \gset

-- (a) an error in the second step of a two-step update
CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
ALTER TYPE decklevel ADD VALUE 'C1';
CREATE TEMP TABLE facts_a AS SELECT * FROM catalog_facts;
CREATE TEMP TABLE rows_a AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE files_a AS SELECT * FROM pg_temp.storage();
SELECT ok(EXISTS (SELECT FROM facts_a WHERE kind = 'enum' AND fact = 'label 5: C1'),
    '(a) at 1.0 with a committed label C1 added by hand');

SELECT throws_ok(
    $$SELECT dblink_exec('other', 'ALTER EXTENSION flashcard_schema UPDATE TO ''1.2''')$$,
    '42710', 'enum label "C1" already exists',
    '(a) update 1.0 -> 1.2 as a top-level statement: fails in step 1.1 -> 1.2 (label C1 exists)');
SELECT is(pg_temp.extversion(), '1.0', '(a) after the failed update: still at 1.0');
SELECT hasnt_column('users', 'last_login_at', '(a) after the failed update: step 1.0 -> 1.1''s users.last_login_at rolled back');
SELECT hasnt_column('users', 'last_login_ip', '(a) after the failed update: step 1.0 -> 1.1''s users.last_login_ip rolled back');
SELECT is_empty($$SELECT * FROM catalog_facts EXCEPT SELECT * FROM facts_a$$,
    '(a) after the failed update: no catalog fact added');
SELECT is_empty($$SELECT * FROM facts_a EXCEPT SELECT * FROM catalog_facts$$,
    '(a) after the failed update: no catalog fact lost');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_a ORDER BY tbl$$,
    '(a) after the failed update: every row of the eight tables unchanged');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files_a ORDER BY rel$$,
    '(a) after the failed update: same relfilenodes');
SELECT is((SELECT v FROM dblink('other', 'SELECT extversion FROM pg_extension WHERE extname = ''flashcard_schema''')
           AS t(v text)), '1.0',
    '(a) the second session, after its failed update, also sees 1.0');

-- (b) a downgrade cancelled in its second step
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
INSERT INTO decks (id, name, description, level, created_at, updated_at) VALUES
('d0000000-0000-4000-8000-0000000000c1', 'Προχωρημένα: Ο Καβάφης', 'Ιθάκη, στίχος-στίχος', 'C1',
 '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00');
UPDATE users SET last_login_at = '2024-03-10 08:00:00+00', last_login_ip = '2001:db8::1'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
CREATE TEMP TABLE facts_b AS SELECT * FROM catalog_facts;
CREATE TEMP TABLE rows_b AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE files_b AS SELECT * FROM pg_temp.storage();
SELECT is(pg_temp.extversion(), '1.2', '(b) at 1.2 with a deck at C1 and a last login');

SELECT is(dblink_exec('other', 'SET flashcard_schema.allow_data_loss = on'), 'SET',
    '(b) the second session accepts data loss (so that its first step changes data)');
SELECT is(dblink_exec('other', 'SET lock_timeout = ''50s'''), 'SET',
    '(b) the second session waits up to 50s for a lock (less than its statement_timeout)');

-- hold users, as any reader would; the COMMIT below keeps this session's
-- test results (a ROLLBACK would lose them)
BEGIN;
LOCK TABLE users IN ACCESS SHARE MODE;
SELECT is(dblink_send_query('other', $$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$), 1,
    '(b) the second session starts the downgrade 1.2 -> 1.0');
CREATE FUNCTION pg_temp.wait_for_lock_wait(pid int, rel regclass) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..600 LOOP  -- 30s at most
        IF EXISTS (SELECT FROM pg_locks l WHERE l.pid = wait_for_lock_wait.pid
                   AND l.relation = rel AND NOT l.granted) THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN false;
END
$$;
SELECT ok(pg_temp.wait_for_lock_wait(:other_pid, 'users'),
    '(b) the second session''s downgrade waits for a lock on users (its second step)');
SELECT ok(EXISTS (SELECT FROM pg_locks WHERE pid = :other_pid AND relation = 'decks'::regclass
                  AND mode = 'AccessExclusiveLock' AND granted),
    '(b) ... having finished its first step (it holds ACCESS EXCLUSIVE on decks)');
SELECT ok(pg_cancel_backend(:other_pid), '(b) pg_cancel_backend on the second session');
-- (throws_ok cannot catch query_canceled: error_of can)
SELECT results_eq(
    $$SELECT state, message FROM pg_temp.error_of('SELECT * FROM dblink_get_result(''other'') AS t(r text)')$$,
    $$VALUES ('57014', 'canceling statement due to user request')$$,
    '(b) the downgrade fails: canceled');
COMMIT;
SELECT is_empty($$SELECT * FROM dblink_get_result('other', false) AS t(r text)$$,
    '(b) the second session has nothing more to say');

SELECT is(pg_temp.extversion(), '1.2', '(b) after the cancelled downgrade: still at 1.2');
SELECT is_empty($$SELECT * FROM catalog_facts EXCEPT SELECT * FROM facts_b$$,
    '(b) after the cancelled downgrade: no catalog fact added');
SELECT is_empty($$SELECT * FROM facts_b EXCEPT SELECT * FROM catalog_facts$$,
    '(b) after the cancelled downgrade: no catalog fact lost (decklevel still has C1, C2)');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_b ORDER BY tbl$$,
    '(b) after the cancelled downgrade: every row of the eight tables unchanged (the deck still at C1)');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files_b ORDER BY rel$$,
    '(b) after the cancelled downgrade: same relfilenodes (the rewrite of decks undone)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    '(b) after the cancelled downgrade: flashcard_schema_verify() is clean');
SELECT is((SELECT v FROM dblink('other', 'SELECT extversion FROM pg_extension WHERE extname = ''flashcard_schema''')
           AS t(v text)), '1.2',
    '(b) the second session, after its cancelled downgrade, also sees 1.2');

SELECT is(dblink_disconnect('other'), 'OK', 'the second session disconnects');

SELECT * FROM finish();
\c :home_db
SET client_min_messages = warning;
DROP DATABASE flashcard_schema_test_atomic WITH (FORCE);
