-- test/pgtap/data_downgrades.sql: downgrades refuse to destroy data.
--
-- 1.2 -> 1.1 while a deck uses C1/C2, and 1.1 -> 1.0 while a user has a last
-- login, fail with SQLSTATE 55000 and an exact message, and leave the version
-- and every row as they were.  With no data at stake they succeed; with
-- flashcard_schema.allow_data_loss = on they succeed too (C1/C2 decks moved to
-- B2, last logins dropped) and verify() is clean at the lower version.
--
-- Decks at C1/C2 need the labels committed: the update to 1.2 adds them with
-- ALTER TYPE ... ADD VALUE, and PostgreSQL refuses (55P04, "unsafe use of new
-- value") to store such a value in the transaction that added it.  So this
-- test commits: it runs in a database of its own, created here and dropped at
-- the end.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS home_db \gset
DROP DATABASE IF EXISTS flashcard_schema_test_downgrades WITH (FORCE);
CREATE DATABASE flashcard_schema_test_downgrades
    TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c flashcard_schema_test_downgrades
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
\ir ../lib/data_helpers.psql

SELECT no_plan();  -- finish() prints the plan: the count of what ran

-- data at 1.2: the fixture (loaded at 1.0), two decks at C1 and C2 with a
-- card each, and the last login of two users
CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
CREATE TEMP TABLE cols10 AS SELECT pg_temp.live_columns() AS cols;
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
INSERT INTO decks (id, name, description, level, created_at, updated_at) VALUES
('d0000000-0000-4000-8000-0000000000c1', 'Προχωρημένα: Ο Καβάφης', 'Ιθάκη, στίχος-στίχος', 'C1',
 '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00'),
('d0000000-0000-4000-8000-0000000000c2', 'Άριστα: Αρχαία', NULL, 'C2',
 '2024-03-02 10:00:00+00', '2024-03-02 10:00:00+00');
INSERT INTO cards (id, deck_id, front_text, back_text, created_at, updated_at) VALUES
('e0000000-0000-4000-8000-0000000000c1', 'd0000000-0000-4000-8000-0000000000c1',
 'Σα βγεις στον πηγαιμό για την Ιθάκη', 'As you set out for Ithaka', '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00'),
('e0000000-0000-4000-8000-0000000000c2', 'd0000000-0000-4000-8000-0000000000c2',
 'γνῶθι σαυτόν', 'know thyself', '2024-03-02 10:00:00+00', '2024-03-02 10:00:00+00');
UPDATE users SET last_login_at = '2024-03-10 08:00:00+00', last_login_ip = '2001:db8::1'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
UPDATE users SET last_login_at = NULL, last_login_ip = '192.0.2.44'
WHERE id = 'a0000000-0000-4000-8000-000000000002';
CREATE TEMP TABLE rows_a AS SELECT * FROM pg_temp.row_digests();

-- 1.2 -> 1.1 with decks at C1 and C2: refused
SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$, '55000',
    'downgrading flashcard_schema to 1.1 would discard the level of 2 deck(s) at C1 or C2',
    '1.2 -> 1.1 with 2 decks at C1/C2: refused with 55000 and the exact message');
SELECT results_eq(
    $$SELECT detail, hint FROM pg_temp.error_of('ALTER EXTENSION flashcard_schema UPDATE TO ''1.1''')$$,
    $$VALUES ('Revision 1.1 has no levels C1 and C2; 2 row(s) of table decks use them.',
              'Move those decks to another level or delete them first, or run SET flashcard_schema.allow_data_loss = on in this session to have them moved to level B2.')$$,
    '1.2 -> 1.1 refused: the detail counts the rows at stake, the hint names the way out');
SELECT is(pg_temp.extversion(), '1.2', '1.2 -> 1.1 refused: still at 1.2');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_a ORDER BY tbl$$,
    '1.2 -> 1.1 refused: every row of the eight tables unchanged');

SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$, '55000',
    'downgrading flashcard_schema to 1.1 would discard the level of 2 deck(s) at C1 or C2',
    '1.2 -> 1.0 in one statement: refused by its first step, with the same message');
SELECT is(pg_temp.extversion(), '1.2', '1.2 -> 1.0 refused: still at 1.2');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_a ORDER BY tbl$$,
    '1.2 -> 1.0 refused: every row of the eight tables unchanged');

SET flashcard_schema.allow_data_loss = off;
SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$, '55000',
    'downgrading flashcard_schema to 1.1 would discard the level of 2 deck(s) at C1 or C2',
    '1.2 -> 1.1 with allow_data_loss explicitly off: refused');
RESET flashcard_schema.allow_data_loss;
SELECT is(pg_temp.extversion(), '1.2', 'refused with allow_data_loss off: still at 1.2');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_a ORDER BY tbl$$,
    'refused with allow_data_loss off: every row of the eight tables unchanged');

-- one C1 deck: the count follows the data
UPDATE decks SET level = 'B2' WHERE id = 'd0000000-0000-4000-8000-0000000000c2';
SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$, '55000',
    'downgrading flashcard_schema to 1.1 would discard the level of 1 deck(s) at C1 or C2',
    '1.2 -> 1.1 with 1 deck at C1: refused, counting 1 deck');

-- the owner moves the decks off C1/C2: no level at stake any more, but the
-- last logins still are
UPDATE decks SET level = 'B2' WHERE id = 'd0000000-0000-4000-8000-0000000000c1';
CREATE TEMP TABLE rows_b AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE rows_b10 AS SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10));

SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$, '55000',
    'downgrading flashcard_schema to 1.0 would discard the last login of 2 user(s)',
    '1.2 -> 1.0 in one statement with last logins: its second step refuses');
SELECT is(pg_temp.extversion(), '1.2', '1.2 -> 1.0 refused in its second step: still at 1.2');
SELECT results_eq(
    $$SELECT enumlabel::text COLLATE "default" FROM pg_enum WHERE enumtypid = 'decklevel'::regtype ORDER BY enumsortorder$$,
    $$VALUES ('A1'), ('A2'), ('B1'), ('B2'), ('C1'), ('C2')$$,
    '1.2 -> 1.0 refused in its second step: the first step (decklevel without C1/C2) was undone');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_b ORDER BY tbl$$,
    '1.2 -> 1.0 refused in its second step: every row of the eight tables unchanged');

SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$,
    '1.2 -> 1.1 with no deck at C1/C2: succeeds');
SELECT is(pg_temp.extversion(), '1.1', 'now at 1.1');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_b ORDER BY tbl$$,
    'at 1.1: every row of the eight tables unchanged (last logins included)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.1: flashcard_schema_verify() is clean');

-- 1.1 -> 1.0 with last logins: refused
SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$, '55000',
    'downgrading flashcard_schema to 1.0 would discard the last login of 2 user(s)',
    '1.1 -> 1.0 with 2 users holding a last login (time or address): refused with 55000 and the exact message');
SELECT results_eq(
    $$SELECT detail, hint FROM pg_temp.error_of('ALTER EXTENSION flashcard_schema UPDATE TO ''1.0''')$$,
    $$VALUES ('Revision 1.0 has no columns users.last_login_at and users.last_login_ip; 2 row(s) hold a value in them.',
              'Copy or clear those values first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss.')$$,
    '1.1 -> 1.0 refused: the detail counts the rows at stake, the hint names the way out');
SELECT is(pg_temp.extversion(), '1.1', '1.1 -> 1.0 refused: still at 1.1');
SELECT has_column('users', 'last_login_at', '1.1 -> 1.0 refused: users.last_login_at still there');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_b ORDER BY tbl$$,
    '1.1 -> 1.0 refused: every row of the eight tables unchanged (last logins included)');

-- the owner clears the last logins: nothing at stake
UPDATE users SET last_login_at = NULL, last_login_ip = NULL;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$,
    '1.1 -> 1.0 with no last login: succeeds');
SELECT is(pg_temp.extversion(), '1.0', 'now at 1.0');
SELECT hasnt_column('users', 'last_login_at', 'at 1.0: users.last_login_at is gone');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_b10 ORDER BY tbl$$,
    'at 1.0: every row of the eight tables unchanged (1.0 columns)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.0: flashcard_schema_verify() is clean');

-- again from the same data at 1.2, accepting the loss
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
INSERT INTO decks (id, name, description, level, created_at, updated_at) VALUES
('d0000000-0000-4000-8000-0000000000c1', 'Προχωρημένα: Ο Καβάφης', 'Ιθάκη, στίχος-στίχος', 'C1',
 '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00'),
('d0000000-0000-4000-8000-0000000000c2', 'Άριστα: Αρχαία', NULL, 'C2',
 '2024-03-02 10:00:00+00', '2024-03-02 10:00:00+00');
INSERT INTO cards (id, deck_id, front_text, back_text, created_at, updated_at) VALUES
('e0000000-0000-4000-8000-0000000000c1', 'd0000000-0000-4000-8000-0000000000c1',
 'Σα βγεις στον πηγαιμό για την Ιθάκη', 'As you set out for Ithaka', '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00'),
('e0000000-0000-4000-8000-0000000000c2', 'd0000000-0000-4000-8000-0000000000c2',
 'γνῶθι σαυτόν', 'know thyself', '2024-03-02 10:00:00+00', '2024-03-02 10:00:00+00');
UPDATE users SET last_login_at = '2024-03-10 08:00:00+00', last_login_ip = '2001:db8::1'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
UPDATE users SET last_login_at = NULL, last_login_ip = '192.0.2.44'
WHERE id = 'a0000000-0000-4000-8000-000000000002';
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_a ORDER BY tbl$$,
    'allow_data_loss: the same data as before at 1.2');
CREATE TEMP TABLE decks_c AS
SELECT id, name, description, level::text AS level, is_active, created_at, updated_at FROM decks;

SET flashcard_schema.allow_data_loss = on;
SET client_min_messages = error;  -- its WARNING is checked by test/t/data_loss_warnings.t
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$,
    'allow_data_loss = on: 1.2 -> 1.1 with decks at C1/C2 succeeds');
SET client_min_messages = warning;
SELECT is(pg_temp.extversion(), '1.1', 'allow_data_loss = on: now at 1.1');
SELECT results_eq(
    $$SELECT id, name, description, level::text, is_active, created_at, updated_at FROM decks ORDER BY id$$,
    $$SELECT id, name, description, CASE WHEN level IN ('C1', 'C2') THEN 'B2' ELSE level END,
             is_active, created_at, updated_at FROM decks_c ORDER BY id$$,
    'allow_data_loss = on, at 1.1: the C1/C2 decks are at B2, every other value of decks unchanged');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() WHERE tbl <> 'decks' ORDER BY tbl$$,
    $$SELECT * FROM rows_a WHERE tbl <> 'decks' ORDER BY tbl$$,
    'allow_data_loss = on, at 1.1: every row of the seven other tables unchanged (cards of C1/C2 decks kept)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'allow_data_loss = on, at 1.1: flashcard_schema_verify() is clean');
CREATE TEMP TABLE rows_c11 AS SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10));

SET client_min_messages = error;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$,
    'allow_data_loss = on: 1.1 -> 1.0 with last logins succeeds');
RESET flashcard_schema.allow_data_loss;
SET client_min_messages = warning;
SELECT is(pg_temp.extversion(), '1.0', 'allow_data_loss = on: now at 1.0');
SELECT hasnt_column('users', 'last_login_at', 'allow_data_loss = on, at 1.0: users.last_login_at is gone');
SELECT hasnt_column('users', 'last_login_ip', 'allow_data_loss = on, at 1.0: users.last_login_ip is gone');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows_c11 ORDER BY tbl$$,
    'allow_data_loss = on, at 1.0: every row of the eight tables kept (1.0 columns)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'allow_data_loss = on, at 1.0: flashcard_schema_verify() is clean');
SELECT cmp_ok((SELECT count(*) FROM flashcard_schema_verify()), '>', 0::bigint,
    'allow_data_loss = on, at 1.0: flashcard_schema_verify() checks something');

-- and in one statement, 1.2 -> 1.0 accepting the loss
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
UPDATE decks SET level = 'C2' WHERE id = 'd0000000-0000-4000-8000-0000000000c2';
UPDATE users SET last_login_ip = '198.51.100.7' WHERE id = 'a0000000-0000-4000-8000-000000000003';
CREATE TEMP TABLE rows_d10 AS SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10));
SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$, '55000',
    'downgrading flashcard_schema to 1.1 would discard the level of 1 deck(s) at C1 or C2',
    'back at 1.2 with a C2 deck and a last login: 1.2 -> 1.0 refused');
SET flashcard_schema.allow_data_loss = on;
SET client_min_messages = error;  -- its WARNING is checked by test/t/data_loss_warnings.t
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$,
    'allow_data_loss = on: 1.2 -> 1.0 in one statement succeeds');
RESET flashcard_schema.allow_data_loss;
SET client_min_messages = warning;
SELECT is(pg_temp.extversion(), '1.0', 'allow_data_loss = on, one statement: now at 1.0');
SELECT is((SELECT level::text FROM decks WHERE id = 'd0000000-0000-4000-8000-0000000000c2'), 'B2',
    'allow_data_loss = on, one statement: the C2 deck is at B2');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() WHERE tbl <> 'decks' ORDER BY tbl$$,
    $$SELECT * FROM rows_d10 WHERE tbl <> 'decks' ORDER BY tbl$$,
    'allow_data_loss = on, one statement: every row of the seven other tables kept (1.0 columns)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'allow_data_loss = on, one statement: flashcard_schema_verify() is clean at 1.0');

SELECT * FROM finish();
\c :home_db
SET client_min_messages = warning;
DROP DATABASE flashcard_schema_test_downgrades WITH (FORCE);
