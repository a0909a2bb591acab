-- test/pgtap/data_locks.sql: no indefinite lock queue.
--
-- A second session (dblink) sits in a transaction that has read users.  An
-- update 1.0 -> 1.1, which needs ACCESS EXCLUSIVE on users, run from a session
-- with lock_timeout = 0 (the default: wait forever) must give up after the
-- scripts' own bound (5s) with SQLSTATE 55P03 and our message and hint, leave
-- version, columns, rows and files as they were, and leave the session's
-- lock_timeout alone.  A session's own lock_timeout is used instead of 5s.
-- The same for the downgrades' locks (users for 1.1 -> 1.0, decks for
-- 1.2 -> 1.1) and for reviews, which 1.2 -> 1.3 and 1.3 -> 1.2 rewrite; a
-- two-step downgrade whose second step cannot get its lock undoes the first.  statement_timeout guards every statement, so that a broken
-- bound fails (57014 instead of 55P03) rather than hangs.
--
-- The second session must see committed tables: this test runs in a database
-- of its own, created here and dropped at the end.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS home_db \gset
\set pgpassword ''
\getenv pgpassword PGPASSWORD
DROP DATABASE IF EXISTS flashcard_schema_test_locks WITH (FORCE);
CREATE DATABASE flashcard_schema_test_locks
    TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c flashcard_schema_test_locks
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
CREATE EXTENSION dblink;
\ir ../lib/data_helpers.psql
SET statement_timeout = '60s';
RESET lock_timeout;

SELECT no_plan();  -- finish() prints the plan: the count of what ran

CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
CREATE TEMP TABLE rows10 AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE files10 AS SELECT * FROM pg_temp.storage();

SELECT is(dblink_connect('blocker', pg_temp.connstr(current_database(), :'pgpassword')), 'OK',
    'a second session connects (dblink)');
SELECT is(dblink_exec('blocker', 'SET idle_in_transaction_session_timeout = ''5min'''), 'SET',
    'the second session will not outlive a crashed test by long');

-- a long-running reader of users
SELECT is(dblink_exec('blocker', 'BEGIN'), 'BEGIN', 'the second session begins a transaction');
SELECT is((SELECT n FROM dblink('blocker', 'SELECT count(*) FROM users') AS t(n bigint)), 4::bigint,
    'the second session reads users and stays in its transaction');
SELECT ok(EXISTS (SELECT FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'AccessShareLock'
                  AND granted AND pid <> pg_backend_pid()),
    'the second session holds ACCESS SHARE on users');

-- the update, from a session that would wait forever
SELECT is(current_setting('lock_timeout'), '0', 'this session has lock_timeout = 0 (the default: wait forever)');
CREATE TEMP TABLE err_default AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$);
SELECT is(state, '55P03',
    'update 1.0 -> 1.1 behind the reader, lock_timeout = 0: gives up with 55P03 (not the 60s statement_timeout, 57014)')
FROM err_default;
SELECT is(message, 'could not lock table users to update flashcard_schema to 1.1',
    'update 1.0 -> 1.1 behind the reader: our message') FROM err_default;
SELECT is(hint, 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.',
    'update 1.0 -> 1.1 behind the reader: our hint') FROM err_default;
SELECT is(detail, 'Another transaction held a conflicting lock for longer than lock_timeout (5s). Nothing was changed.',
    'update 1.0 -> 1.1 behind the reader: the detail names the bound that applied (5s)') FROM err_default;
SELECT is(current_setting('lock_timeout'), '0', 'after the failed update the session''s lock_timeout is still 0');
SELECT is(pg_temp.extversion(), '1.0', 'after the failed update: still at 1.0');
SELECT hasnt_column('users', 'last_login_at', 'after the failed update: users has no last_login_at');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows10 ORDER BY tbl$$,
    'after the failed update: every row of the eight tables unchanged');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files10 ORDER BY rel$$,
    'after the failed update: same relfilenodes');

-- the session's own lock_timeout wins over the 5s bound: with 1s, the update
-- gives up before a 4s statement_timeout could
SET lock_timeout = '1s';
SET statement_timeout = '4s';
CREATE TEMP TABLE err_own AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$);
SET statement_timeout = '60s';
SELECT is(state, '55P03',
    'with SET lock_timeout = ''1s'': gives up with 55P03 before a 4s statement_timeout (57014), so not after 5s')
FROM err_own;
SELECT is(message, 'could not lock table users to update flashcard_schema to 1.1',
    'with SET lock_timeout = ''1s'': our message') FROM err_own;
SELECT is(detail, 'Another transaction held a conflicting lock for longer than lock_timeout (1s). Nothing was changed.',
    'with SET lock_timeout = ''1s'': the detail names the session''s lock_timeout') FROM err_own;
SELECT is(current_setting('lock_timeout'), '1s', 'the session''s lock_timeout is still 1s');
RESET lock_timeout;
SELECT is(pg_temp.extversion(), '1.0', 'still at 1.0');

-- once the reader is done, the same update goes through
SELECT is(dblink_exec('blocker', 'COMMIT'), 'COMMIT', 'the second session ends its transaction');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$, 'the update retried: succeeds');
SELECT is(pg_temp.extversion(), '1.1', 'now at 1.1');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files10 ORDER BY rel$$,
    'at 1.1: same relfilenodes');

-- downgrade 1.1 -> 1.0 behind a reader of users
SELECT is(dblink_exec('blocker', 'BEGIN'), 'BEGIN', 'the second session begins a transaction again');
SELECT is((SELECT n FROM dblink('blocker', 'SELECT count(*) FROM users') AS t(n bigint)), 4::bigint,
    'the second session reads users again');
CREATE TEMP TABLE err_down10 AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$);
SELECT results_eq($$SELECT state, message, detail, hint FROM err_down10$$,
    $$VALUES ('55P03', 'could not lock table users to downgrade flashcard_schema to 1.0',
              'Another transaction held a conflicting lock for longer than lock_timeout (5s). Nothing was changed.',
              'Retry the downgrade when the long-running transaction has finished, or raise lock_timeout for this session.')$$,
    'downgrade 1.1 -> 1.0 behind the reader, lock_timeout = 0: 55P03 with our message, detail (5s) and hint');
SELECT is(pg_temp.extversion(), '1.1', 'after the failed downgrade: still at 1.1');
SELECT has_column('users', 'last_login_at', 'after the failed downgrade: users.last_login_at still there');

-- 1.1 -> 1.2 only appends enum labels: it does not wait for readers of users
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$,
    'update 1.1 -> 1.2 while the reader of users is still there: succeeds');
SELECT is(pg_temp.extversion(), '1.2', 'now at 1.2');

-- downgrade 1.2 -> 1.1 behind a transaction that locked decks
SELECT is(dblink_exec('blocker', 'COMMIT'), 'COMMIT', 'the second session ends its transaction');
SELECT is(dblink_exec('blocker', 'BEGIN'), 'BEGIN', 'the second session begins a third transaction');
SELECT is(dblink_exec('blocker', 'LOCK TABLE decks IN ACCESS SHARE MODE'), 'LOCK TABLE',
    'the second session locks decks in ACCESS SHARE mode');
CREATE TEMP TABLE err_down11 AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$);
SELECT results_eq($$SELECT state, message, detail, hint FROM err_down11$$,
    $$VALUES ('55P03', 'could not lock table decks to downgrade flashcard_schema to 1.1',
              'Another transaction held a conflicting lock for longer than lock_timeout (5s). Nothing was changed.',
              'Retry the downgrade when the long-running transaction has finished, or raise lock_timeout for this session.')$$,
    'downgrade 1.2 -> 1.1 behind a lock on decks, lock_timeout = 0: 55P03 with our message, detail (5s) and hint');
SELECT is(pg_temp.extversion(), '1.2', 'after the failed downgrade: still at 1.2');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files10 ORDER BY rel$$,
    'after the failed downgrade: same relfilenodes (decks not rewritten)');
SELECT is(current_setting('lock_timeout'), '0', 'this session''s lock_timeout is still 0');

SELECT is(dblink_exec('blocker', 'ROLLBACK'), 'ROLLBACK', 'the second session ends its transaction');

-- 1.2 -> 1.3 rewrites reviews: behind a reader of reviews it gives up after the bound
SELECT is(dblink_exec('blocker', 'BEGIN'), 'BEGIN', 'the second session begins a transaction (reviews)');
SELECT is((SELECT n FROM dblink('blocker', 'SELECT count(*) FROM reviews') AS t(n bigint)), 6::bigint,
    'the second session reads reviews and stays in its transaction');
CREATE TEMP TABLE err_up13 AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$);
-- (the library checks the step before the script's own lock: its detail and
-- hint name the session holding the lock)
SELECT results_eq($$SELECT state, message,
                           regexp_replace(replace(detail, pg_catalog.format('role "%s"', current_user) COLLATE "default", 'role "<me>"'), '[0-9]+ \(role "<me>", idle in transaction, transaction started [^)]*\)', '<pid> (role "<me>", idle in transaction, transaction started <time>)'),
                           regexp_replace(hint, 'pg_terminate_backend\([0-9]+\)', 'pg_terminate_backend(<pid>)')
                    FROM err_up13$$,
    $$VALUES ('55P03', 'could not lock table reviews to update flashcard_schema to 1.3',
              'Process <pid> (role "<me>", idle in transaction, transaction started <time>) holds AccessShareLock. Its lock was held for longer than lock_timeout (5s). Nothing was changed.',
              'Retry the update when that transaction has finished (SELECT pg_terminate_backend(<pid>) ends its session), or raise lock_timeout for this session.')$$,
    'update 1.2 -> 1.3 behind a reader of reviews, lock_timeout = 0: 55P03 with our message, detail (5s, the reader named) and hint');
SELECT is(pg_temp.extversion(), '1.2', 'after the failed update: still at 1.2');
SELECT is((SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'reviews'::regclass AND attname = 'quality'),
    'reviewrating', 'after the failed update: reviews.quality is still a reviewrating');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files10 ORDER BY rel$$,
    'after the failed update: same relfilenodes (reviews not rewritten)');
SELECT is(dblink_exec('blocker', 'COMMIT'), 'COMMIT', 'the second session ends its transaction');

-- with the reader gone it goes through, and reviews is the only table it locks
BEGIN;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$, 'update 1.2 -> 1.3 retried: succeeds');
SELECT results_eq(
    $$SELECT c.relname::text COLLATE "default" FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
      WHERE l.pid = pg_backend_pid() AND l.mode = 'AccessExclusiveLock' AND c.relkind = 'r'
        AND c.relname = ANY (pg_temp.flashcard_tables())$$,
    $$VALUES ('reviews')$$,
    'update 1.2 -> 1.3: reviews is the only one of the eight tables it locks ACCESS EXCLUSIVE');
COMMIT;
SELECT is(pg_temp.extversion(), '1.3', 'now at 1.3');
CREATE TEMP TABLE files13 AS SELECT * FROM pg_temp.storage();

-- 1.3 -> 1.1 in one statement: the second step would need decks, which a
-- reader holds.  The library waits for every table of the route before the
-- first step (since issue 16), so it gives up before rewriting reviews; were
-- the second step's own wait to run out, everything would be undone all the
-- same, the rewrite included
SELECT is(dblink_exec('blocker', 'BEGIN'), 'BEGIN', 'the second session begins a transaction (decks)');
SELECT is(dblink_exec('blocker', 'LOCK TABLE decks IN ACCESS SHARE MODE'), 'LOCK TABLE',
    'the second session locks decks in ACCESS SHARE mode');
SET lock_timeout = '1s';
CREATE TEMP TABLE err_down13_11 AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$);
RESET lock_timeout;
SELECT results_eq($$SELECT state, message FROM err_down13_11$$,
    $$VALUES ('55P03', 'could not lock table decks to downgrade flashcard_schema to 1.1')$$,
    '1.3 -> 1.1 with decks locked: gives up with 55P03, naming decks');
SELECT is(pg_temp.extversion(), '1.3', '1.3 -> 1.1 failed in its second step: still at 1.3');
SELECT is((SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = 'reviews'::regclass AND attname = 'quality'),
    'integer', '1.3 -> 1.1 failed: reviews.quality is still an integer (the first step was undone)');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files13 ORDER BY rel$$,
    '1.3 -> 1.1 failed: the same files as before (the rewrite of reviews was undone)');
SELECT is(dblink_exec('blocker', 'ROLLBACK'), 'ROLLBACK', 'the second session ends its transaction');

-- 1.3 -> 1.2 behind a reader of reviews, with the session's own lock_timeout
SELECT is(dblink_exec('blocker', 'BEGIN'), 'BEGIN', 'the second session begins a transaction (reviews again)');
SELECT is((SELECT n FROM dblink('blocker', 'SELECT count(*) FROM reviews') AS t(n bigint)), 6::bigint,
    'the second session reads reviews again');
SET lock_timeout = '1s';
CREATE TEMP TABLE err_down12 AS
SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$);
RESET lock_timeout;
SELECT results_eq($$SELECT state, message,
                           regexp_replace(replace(detail, pg_catalog.format('role "%s"', current_user) COLLATE "default", 'role "<me>"'), '[0-9]+ \(role "<me>", idle in transaction, transaction started [^)]*\)', '<pid> (role "<me>", idle in transaction, transaction started <time>)')
                    FROM err_down12$$,
    $$VALUES ('55P03', 'could not lock table reviews to downgrade flashcard_schema to 1.2',
              'Process <pid> (role "<me>", idle in transaction, transaction started <time>) holds AccessShareLock. Its lock was held for longer than lock_timeout (1s). Nothing was changed.')$$,
    'downgrade 1.3 -> 1.2 behind a reader of reviews, lock_timeout = 1s: 55P03 with our message and detail (1s)');
SELECT is(pg_temp.extversion(), '1.3', 'after the failed downgrade: still at 1.3');
SELECT is(dblink_exec('blocker', 'ROLLBACK'), 'ROLLBACK', 'the second session ends its transaction');

SELECT is(dblink_disconnect('blocker'), 'OK', 'the second session disconnects');

SELECT * FROM finish();
\c :home_db
SET client_min_messages = warning;
DROP DATABASE flashcard_schema_test_locks WITH (FORCE);
