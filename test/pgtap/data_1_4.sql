-- test/pgtap/data_1_4.sql: 1.3 <-> 1.4 with data, and its bounded locks.
--
-- A database at 1.3 with the fixture (loaded at 1.0) is updated to 1.4:
-- every row is the same over the 1.3 columns, the six new columns are NULL
-- (is_premium false), no table or index of 1.3 is rewritten (same
-- relfilenodes), the new foreign key is validated, verify() is clean.  With
-- data in the new columns the way down refuses (55000, each column and its
-- count in the detail) and changes nothing; with allow_data_loss it drops
-- them and every other column of every row is as it was, still without a
-- rewrite.  A second session (dblink) holding each of the three tables the
-- step locks makes the update give up (55P03) naming that table, after the
-- session's own lock_timeout, with nothing changed; and an update waiting
-- for user_settings while another transaction holds it lets that
-- transaction read users (it takes its three locks all at once or not at
-- all), so neither is cancelled as a deadlock.
--
-- The second session must see committed tables: this test runs in a database
-- of its own, created here and dropped at the end.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS home_db \gset
\set pgpassword ''
\getenv pgpassword PGPASSWORD
DROP DATABASE IF EXISTS flashcard_schema_test_1_4 WITH (FORCE);
CREATE DATABASE flashcard_schema_test_1_4
    TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c flashcard_schema_test_1_4
\setenv PGDATABASE_1_4 flashcard_schema_test_1_4
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
CREATE EXTENSION dblink;
\ir ../lib/data_helpers.psql
SET statement_timeout = '60s';

SELECT no_plan();  -- finish() prints the plan: the count of what ran

CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
CREATE TEMP TABLE cols13 AS SELECT pg_temp.live_columns() AS cols;
CREATE TEMP TABLE rows13 AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE files13 AS SELECT * FROM pg_temp.storage();

------------------------------------------------------------------------------
-- 1.3 -> 1.4 behind a reader of each table it locks: 55P03, naming the table
------------------------------------------------------------------------------
SELECT is(dblink_connect('blocker', pg_temp.connstr(current_database(), :'pgpassword')), 'OK',
    'a second session connects (dblink)');
SELECT is(dblink_exec('blocker', 'SET idle_in_transaction_session_timeout = ''5min'''), 'SET',
    'the second session will not outlive a crashed test by long');
SET lock_timeout = '1s';
CREATE TEMP TABLE lock_errors (tbl text, state text, message text, detail text);
CREATE FUNCTION pg_temp.blocked_update(tbl text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dblink_exec('blocker', 'BEGIN');
    PERFORM * FROM dblink('blocker', pg_catalog.format('SELECT count(*) FROM %I', tbl)) AS t(n bigint);
    INSERT INTO lock_errors
    SELECT tbl, e.state, e.message, e.detail
      FROM pg_temp.error_of($q$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$q$) e;
    PERFORM dblink_exec('blocker', 'ROLLBACK');
END
$$;
SELECT pg_temp.blocked_update('users');
SELECT pg_temp.blocked_update('decks');
SELECT pg_temp.blocked_update('user_settings');
RESET lock_timeout;
SELECT results_eq(
    -- (the library waits for each table before the script does: its detail
    -- names the session holding the lock)
    $$SELECT tbl, state, message,
             regexp_replace(replace(detail, pg_catalog.format('role "%s"', current_user) COLLATE "default", 'role "<me>"'), '^Process [0-9]+ \(role "<me>", idle in transaction, transaction started [^)]*\)',
                            'Process <pid> (role "<me>", idle in transaction, transaction started <time>)')
        FROM lock_errors ORDER BY tbl$$,
    $$VALUES ('decks', '55P03', 'could not lock table decks to update flashcard_schema to 1.4',
              'Process <pid> (role "<me>", idle in transaction, transaction started <time>) holds AccessShareLock. Its lock was held for longer than lock_timeout (1s). Nothing was changed.'),
             ('user_settings', '55P03', 'could not lock table user_settings to update flashcard_schema to 1.4',
              'Process <pid> (role "<me>", idle in transaction, transaction started <time>) holds AccessShareLock. Its lock was held for longer than lock_timeout (1s). Nothing was changed.'),
             ('users', '55P03', 'could not lock table users to update flashcard_schema to 1.4',
              'Process <pid> (role "<me>", idle in transaction, transaction started <time>) holds AccessShareLock. Its lock was held for longer than lock_timeout (1s). Nothing was changed.')$$,
    'update 1.3 -> 1.4 behind a reader of users, decks or user_settings: 55P03 naming that table, after the session''s lock_timeout');
SELECT is(pg_temp.extversion(), '1.3', 'after the refused updates: still at 1.3');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows13 ORDER BY tbl$$,
    'after the refused updates: every row unchanged');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files13 ORDER BY rel$$,
    'after the refused updates: same tables and indexes, same relfilenodes');
SELECT hasnt_column('decks', 'is_premium', 'after the refused updates: decks has no is_premium');

-- No deadlock: a transaction holds user_settings; the update (another
-- session, lock_timeout 30s) starts and cannot have it; the transaction then
-- reads users.  Had the update kept users while waiting for user_settings,
-- the two would deadlock and the update be cancelled (40P01) after
-- deadlock_timeout.
SELECT is(dblink_connect('updater', pg_temp.connstr(current_database(), :'pgpassword')), 'OK',
    'a third session connects, to run the update');
SELECT is(dblink_exec('updater', 'SET lock_timeout = ''30s'''), 'SET', 'the updating session waits up to 30s for its locks');
SELECT dblink_exec('blocker', 'BEGIN');
SELECT dblink_exec('blocker', 'UPDATE user_settings SET daily_goal = daily_goal');
SELECT dblink_send_query('updater', $$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$);
SELECT pg_sleep(1.5);  -- longer than deadlock_timeout (1s): the update keeps trying
SELECT is((SELECT n FROM dblink('blocker', 'SELECT count(*) FROM users') AS t(n bigint)), 4::bigint,
    'while the update waits for user_settings, the transaction holding user_settings reads users');
SELECT dblink_exec('blocker', 'COMMIT');
SELECT is((SELECT r FROM dblink_get_result('updater', false) AS t(r text)), 'ALTER EXTENSION',
    'once that transaction ends, the update goes through (no deadlock, no 55P03)');
SELECT is((SELECT count(*) FROM dblink_get_result('updater', false) AS t(r text)), 0::bigint, '(the updating session is idle again)');
SELECT is(pg_temp.extversion(), '1.4', 'the update waited for all three locks and then took them');
SET client_min_messages = error;
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
SET client_min_messages = warning;
SELECT dblink_disconnect('updater');

------------------------------------------------------------------------------
-- The two-step route: ix_users_auth0_id built beforehand, CONCURRENTLY, and
-- taken over by the update; an invalid or different index is refused
------------------------------------------------------------------------------
ALTER TABLE users ADD COLUMN auth0_id pg_catalog.varchar(255);
-- (from a separate psql while this session is idle: CREATE INDEX
-- CONCURRENTLY waits for every transaction older than its snapshots)
\! psql -X -q -d "$PGDATABASE_1_4" -c 'CREATE UNIQUE INDEX CONCURRENTLY ix_users_auth0_id ON users USING btree (auth0_id)'
SELECT is((SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_users_auth0_id'::regclass), true,
    'two steps: the column added by hand, the index built CONCURRENTLY');
SELECT relfilenode AS prebuilt FROM pg_class WHERE relname = 'ix_users_auth0_id' \gset
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$, 'two steps: then the update to 1.4');
SELECT is((SELECT relfilenode FROM pg_class WHERE relname = 'ix_users_auth0_id'), :'prebuilt'::oid,
    'two steps: the update took the index over (same relfilenode, not rebuilt)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'two steps: flashcard_schema_verify() is clean at 1.4');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$, 'two steps: back to 1.3');

ALTER TABLE users ADD COLUMN auth0_id pg_catalog.varchar(255);
UPDATE users SET auth0_id = 'auth0|twice' WHERE id IN ('a0000000-0000-4000-8000-000000000001',
                                                       'a0000000-0000-4000-8000-000000000002');
\! psql -X -q -d "$PGDATABASE_1_4" -c 'CREATE UNIQUE INDEX CONCURRENTLY ix_users_auth0_id ON users USING btree (auth0_id)' 2>/dev/null
SELECT is((SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_users_auth0_id'::regclass), false,
    'a CONCURRENTLY build that fails (a duplicate) leaves an invalid index behind');
SELECT results_eq($$SELECT state, message FROM pg_temp.error_of($q$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$q$)$$,
    $$VALUES ('55000', 'index ix_users_auth0_id is invalid')$$,
    'the update refuses to take over an invalid index (55000)');
DROP INDEX ix_users_auth0_id;
CREATE INDEX ix_users_auth0_id ON users USING btree (auth0_id);
SELECT results_eq($$SELECT state, message, detail FROM pg_temp.error_of($q$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$q$)$$,
    $$VALUES ('55000', 'index ix_users_auth0_id is not the index revision 1.4 creates',
              'It is defined as: CREATE INDEX ix_users_auth0_id ON public.users USING btree (auth0_id). Nothing was changed.')$$,
    'the update refuses an index of that name that is not unique (55000), and shows its definition');
DROP INDEX ix_users_auth0_id;
ALTER TABLE users DROP COLUMN auth0_id;
ALTER TABLE users ADD COLUMN auth0_id text;
SELECT results_eq($$SELECT state, message FROM pg_temp.error_of($q$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$q$)$$,
    $$VALUES ('55000', 'table users does not end with the columns revision 1.4 adds')$$,
    'the update refuses a column auth0_id of another type added by hand (55000)');
ALTER TABLE users DROP COLUMN auth0_id;
SELECT is(pg_temp.extversion(), '1.3', 'after the refusals: still at 1.3');

------------------------------------------------------------------------------
-- 1.3 -> 1.4: every row kept, nothing rewritten
------------------------------------------------------------------------------
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$, 'update 1.3 -> 1.4');
SELECT is(pg_temp.extversion(), '1.4', 'now at 1.4');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols13)) ORDER BY tbl$$,
    $$SELECT * FROM rows13 ORDER BY tbl$$,
    'at 1.4: every row of the eight tables unchanged (1.3 columns)');
SELECT is((SELECT count(*) FROM users WHERE auth0_id IS NOT NULL OR avatar_url IS NOT NULL), 0::bigint,
    'at 1.4: users.auth0_id and avatar_url are NULL in every row');
SELECT is((SELECT count(*) FROM user_settings WHERE preferred_language IS NOT NULL OR theme IS NOT NULL), 0::bigint,
    'at 1.4: user_settings.preferred_language and theme are NULL in every row');
SELECT results_eq($$SELECT count(*), count(*) FILTER (WHERE NOT is_premium), count(owner_id) FROM decks$$,
    $$VALUES (4::bigint, 4::bigint, 0::bigint)$$,
    'at 1.4: every deck is_premium false, no owner_id');
SELECT is_empty(
    $$SELECT rel FROM files13 f JOIN pg_temp.storage() s USING (rel) WHERE s.relfilenode <> f.relfilenode
      UNION ALL SELECT rel FROM files13 EXCEPT SELECT rel FROM pg_temp.storage()$$,
    'at 1.4: no table, index or TOAST relation of 1.3 was rewritten (same relfilenodes)');
SELECT set_eq($$SELECT rel FROM pg_temp.storage() EXCEPT SELECT rel FROM files13$$,
    $$VALUES ('index ix_decks_is_premium'), ('index ix_decks_owner_id'), ('index ix_users_auth0_id')$$,
    'at 1.4: the three new indexes are the only new relations');
SELECT is((SELECT convalidated FROM pg_constraint WHERE conname = 'fk_decks_owner_id_users'), true,
    'at 1.4: fk_decks_owner_id_users is validated');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.4: flashcard_schema_verify() is clean');
SELECT is(pg_catalog.current_setting('lock_timeout'), '0', 'the update left the session''s lock_timeout alone');

------------------------------------------------------------------------------
-- data in 1.4's columns: the way down refuses
------------------------------------------------------------------------------
UPDATE users SET auth0_id = 'auth0|' || id WHERE id IN ('a0000000-0000-4000-8000-000000000001',
                                                         'a0000000-0000-4000-8000-000000000002');
UPDATE users SET avatar_url = 'avatars/' || id || '/a.jpg' WHERE id = 'a0000000-0000-4000-8000-000000000003';
UPDATE user_settings SET preferred_language = 'el';
UPDATE user_settings SET theme = 'dark' WHERE user_id = 'a0000000-0000-4000-8000-000000000001';
INSERT INTO decks (id, name, level, is_premium, owner_id, created_at, updated_at)
VALUES ('d0000000-0000-4000-8000-0000000000f1', 'Οι λέξεις μου', 'B1', true,
        'a0000000-0000-4000-8000-000000000001', '2026-01-17 10:00:00+00', '2026-01-17 10:00:00+00');
UPDATE decks SET is_premium = true WHERE id = 'd0000000-0000-4000-8000-000000000002';
CREATE TEMP TABLE rows14 AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE files14 AS SELECT * FROM pg_temp.storage();
SELECT is((SELECT count(*) FROM user_settings), 3::bigint, 'fixture: 3 settings (each gets a language)');

CREATE TEMP TABLE err13 AS SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$);
SELECT is(state, '55000', '1.4 -> 1.3 with data in its columns: 55000') FROM err13;
SELECT is(message, 'downgrading flashcard_schema to 1.3 would discard 10 value(s) in the columns of 1.4',
    '1.4 -> 1.3: the message counts the values at stake') FROM err13;
SELECT is(detail, 'Revision 1.3 has none of the columns 1.4 added; these hold data (non-NULL values, or true for is_premium): '
                  'user_settings.preferred_language: 3 rows, users.auth0_id: 2 rows, user_settings.theme: 1 row, '
                  'decks.is_premium (true): 2 rows, decks.owner_id: 1 row, users.avatar_url: 1 row.',
    '1.4 -> 1.3: the detail names each column and its count, in the order 1.4 added them') FROM err13;
SELECT is(hint, 'Copy or clear those values first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss.',
    '1.4 -> 1.3: the hint gives both ways out') FROM err13;
SELECT is((SELECT state FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$)), '55000',
    '1.4 -> 1.0 in one statement: refused at its first step');
SELECT is(pg_temp.extversion(), '1.4', 'after the refusals: still at 1.4');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows14 ORDER BY tbl$$,
    'after the refusals: every row unchanged, 1.4''s columns included');
SELECT results_eq($$SELECT * FROM pg_temp.storage() ORDER BY rel$$, $$SELECT * FROM files14 ORDER BY rel$$,
    'after the refusals: same relfilenodes');

-- each column alone is enough to refuse
CREATE FUNCTION pg_temp.refused_with_only(setting text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    got text;
BEGIN
    UPDATE users SET auth0_id = NULL, avatar_url = NULL;
    UPDATE user_settings SET preferred_language = NULL, theme = NULL;
    DELETE FROM decks WHERE owner_id IS NOT NULL;
    UPDATE decks SET is_premium = false;
    EXECUTE setting;
    SELECT e.state || ' ' || e.detail INTO got
      FROM pg_temp.error_of($q$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$q$) e;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = got;  -- undo this function's changes
EXCEPTION WHEN raise_exception THEN
    GET STACKED DIAGNOSTICS got = MESSAGE_TEXT;
    RETURN pg_catalog.split_part(got, ' ', 1) || ' '
           || pg_catalog.rtrim(pg_catalog.split_part(got, 'for is_premium): ', 2), '.');
END
$$;
SELECT results_eq(
    $$SELECT pg_temp.refused_with_only(s) FROM unnest(ARRAY[
        'UPDATE user_settings SET preferred_language = ''en''',
        'UPDATE users SET auth0_id = ''auth0|x'' WHERE id = ''a0000000-0000-4000-8000-000000000004''',
        'UPDATE user_settings SET theme = ''light''',
        'UPDATE decks SET is_premium = true',
        'INSERT INTO decks (name, level, owner_id) VALUES (''x'', ''A1'', ''a0000000-0000-4000-8000-000000000004'')',
        'UPDATE users SET avatar_url = ''avatars/x.png'' WHERE id = ''a0000000-0000-4000-8000-000000000004''']) WITH ORDINALITY AS u(s, i)
      ORDER BY i$$,
    $$VALUES ('55000 user_settings.preferred_language: 3 rows'), ('55000 users.auth0_id: 1 row'),
             ('55000 user_settings.theme: 3 rows'), ('55000 decks.is_premium (true): 4 rows'),
             ('55000 decks.owner_id: 1 row'), ('55000 users.avatar_url: 1 row')$$,
    'each of the six columns alone holding data refuses the way down, named with its count');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows14 ORDER BY tbl$$,
    'those probes changed nothing');

------------------------------------------------------------------------------
-- the loss accepted: the six columns go, every other column of every row stays
------------------------------------------------------------------------------
DELETE FROM decks WHERE id = 'd0000000-0000-4000-8000-0000000000f1';
SET flashcard_schema.allow_data_loss = on;
SET client_min_messages = error;  -- its WARNING: test/t/data_loss_warnings.t
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$,
    'allow_data_loss = on: 1.4 -> 1.3 goes through');
RESET flashcard_schema.allow_data_loss;
SET client_min_messages = warning;
SELECT is(pg_temp.extversion(), '1.3', 'now at 1.3');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$,
    $$SELECT * FROM rows13 ORDER BY tbl$$,
    'at 1.3 again: every row identical to before 1.4 (all columns)');
SELECT results_eq(
    $$SELECT * FROM pg_temp.storage() ORDER BY rel$$,
    $$SELECT * FROM files13 ORDER BY rel$$,
    'at 1.3 again: no table rewritten, 1.4''s indexes gone, 1.3''s untouched');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.3 again: flashcard_schema_verify() is clean');
SELECT is((SELECT count(*) FROM flashcard_schema_verify('1.3') WHERE NOT ok), 0::bigint,
    'at 1.3 again: flashcard_schema_verify(''1.3'') is clean');
SELECT is_empty($$SELECT FROM pg_constraint WHERE conname = 'fk_decks_owner_id_users'$$,
    'at 1.3 again: the foreign key is gone');

-- with nothing at stake no setting is needed, and 1.0 -> 1.4 in one
-- statement keeps every row too
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$, '1.3 -> 1.4 again');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$,
    '1.4 -> 1.3 with every new column empty: goes through without allow_data_loss');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$, '1.3 -> 1.0 (nothing at stake)');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$, '1.0 -> 1.4 in one statement');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols13)) ORDER BY tbl$$,
    $$SELECT * FROM rows13 ORDER BY tbl$$,
    'after 1.4 -> 1.3 -> 1.0 -> 1.4: every row unchanged (1.3 columns)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'after 1.4 -> 1.3 -> 1.0 -> 1.4: flashcard_schema_verify() is clean');

SELECT dblink_disconnect('blocker');
SELECT * FROM finish();
\c :home_db
DROP DATABASE flashcard_schema_test_1_4 WITH (FORCE);
