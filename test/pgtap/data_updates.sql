-- test/pgtap/data_updates.sql: updates keep every row and rewrite nothing.
--
-- A database populated at 1.0 (all eight tables, Greek text) is updated
-- 1.0 -> 1.1 -> 1.2 step by step, and separately 1.0 -> 1.2 in one ALTER
-- EXTENSION.  After every step the rows are the same (per-table md5 of every
-- row's text over the 1.0 columns: users gains two columns at 1.1, which must
-- be NULL) and no table, index or TOAST relation has a new relfilenode (no
-- rewrite).  Everything happens in one transaction, rolled back at the end.
BEGIN;
SET LOCAL client_min_messages = warning;
\ir ../lib/data_helpers.psql

SELECT no_plan();  -- finish() prints the plan: the count of what ran

CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql

-- the fixture is what the test claims to cover
SELECT results_eq(
    $$SELECT tbl, split_part(digest, ' ', 1)::int FROM pg_temp.row_digests() ORDER BY tbl$$,
    $$VALUES ('card_statistics', 5), ('cards', 6), ('decks', 4), ('refresh_tokens', 4),
             ('reviews', 6), ('user_deck_progress', 4), ('user_settings', 3), ('users', 4)$$,
    'fixture: several rows in every one of the eight tables');
SELECT results_eq(
    $$SELECT front_text, length(front_text), octet_length(front_text) FROM cards
      WHERE id = 'e0000000-0000-4000-8000-000000000001'$$,
    $$VALUES ('Καλημέρα'::text, 8, 16)$$,
    'fixture: Greek text is stored as UTF-8 (8 characters, 16 bytes)');

-- what 1.0 holds: columns, rows, files
CREATE TEMP TABLE cols10 ON COMMIT DROP AS SELECT pg_temp.live_columns() AS cols;
CREATE TEMP TABLE rows10 ON COMMIT DROP AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE files10 ON COMMIT DROP AS SELECT * FROM pg_temp.storage();
SELECT cmp_ok((SELECT count(*) FROM files10), '>=', 8 + 31::bigint,
    'storage: every table and index of 1.0 is recorded');

-- step 1: 1.0 -> 1.1
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.1'$$, 'step by step: update 1.0 -> 1.1');
SELECT is(pg_temp.extversion(), '1.1', 'step by step: now at 1.1');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10)) ORDER BY tbl$$,
    $$SELECT * FROM rows10 ORDER BY tbl$$,
    'step by step, at 1.1: every row of the eight tables unchanged (1.0 columns)');
SELECT is((SELECT count(*) FROM users WHERE last_login_at IS NOT NULL OR last_login_ip IS NOT NULL),
    0::bigint, 'step by step, at 1.1: users.last_login_at and last_login_ip are NULL in every row');
SELECT results_eq(
    $$SELECT * FROM pg_temp.storage() ORDER BY rel$$,
    $$SELECT * FROM files10 ORDER BY rel$$,
    'step by step, at 1.1: no table, index or TOAST relation was rewritten (same relfilenodes)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'step by step, at 1.1: flashcard_schema_verify() is clean');

-- data written at 1.1 must survive 1.1 -> 1.2 as well
UPDATE users SET last_login_at = '2024-03-10 08:00:00+00', last_login_ip = '2001:db8::1'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
UPDATE users SET last_login_at = '2024-03-11 21:30:00.25+00', last_login_ip = '192.0.2.44'
WHERE id = 'a0000000-0000-4000-8000-000000000002';
CREATE TEMP TABLE rows11 ON COMMIT DROP AS SELECT * FROM pg_temp.row_digests();

-- step 2: 1.1 -> 1.2
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$, 'step by step: update 1.1 -> 1.2');
SELECT is(pg_temp.extversion(), '1.2', 'step by step: now at 1.2');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10)) ORDER BY tbl$$,
    $$SELECT * FROM rows10 ORDER BY tbl$$,
    'step by step, at 1.2: every row of the eight tables unchanged since 1.0 (1.0 columns)');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$,
    $$SELECT * FROM rows11 ORDER BY tbl$$,
    'step by step, at 1.2: every row unchanged since 1.1 (all columns, last logins included)');
SELECT results_eq(
    $$SELECT * FROM pg_temp.storage() ORDER BY rel$$,
    $$SELECT * FROM files10 ORDER BY rel$$,
    'step by step, at 1.2: no table, index or TOAST relation was rewritten (same relfilenodes)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'step by step, at 1.2: flashcard_schema_verify() is clean');

-- the same again with the whole update in one statement
DROP EXTENSION flashcard_schema;
SELECT is(pg_temp.extversion(), NULL, 'one statement: extension dropped before starting again');
CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$,
    $$SELECT * FROM rows10 ORDER BY tbl$$,
    'one statement, at 1.0: the fixture reloaded gives the same rows as before');
CREATE TEMP TABLE files10b ON COMMIT DROP AS SELECT * FROM pg_temp.storage();
SELECT isnt_empty(
    $$SELECT rel FROM files10b JOIN files10 USING (rel) WHERE files10b.relfilenode <> files10.relfilenode$$,
    'one statement, at 1.0: the new install has new relfilenodes (the comparison can fail)');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$, 'one statement: update 1.0 -> 1.2');
SELECT is(pg_temp.extversion(), '1.2', 'one statement: now at 1.2');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10)) ORDER BY tbl$$,
    $$SELECT * FROM rows10 ORDER BY tbl$$,
    'one statement, at 1.2: every row of the eight tables unchanged (1.0 columns)');
SELECT is((SELECT count(*) FROM users WHERE last_login_at IS NOT NULL OR last_login_ip IS NOT NULL),
    0::bigint, 'one statement, at 1.2: users.last_login_at and last_login_ip are NULL in every row');
SELECT results_eq(
    $$SELECT * FROM pg_temp.storage() ORDER BY rel$$,
    $$SELECT * FROM files10b ORDER BY rel$$,
    'one statement, at 1.2: no table, index or TOAST relation was rewritten (same relfilenodes)');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'one statement, at 1.2: flashcard_schema_verify() is clean');
SELECT cmp_ok((SELECT count(*) FROM flashcard_schema_verify()), '>', 0::bigint,
    'one statement, at 1.2: flashcard_schema_verify() checks something');

-- the digests do see a changed row, a lost row and a rewrite
UPDATE cards SET front_text = 'Καλησπέρα' WHERE id = 'e0000000-0000-4000-8000-000000000001';
SELECT isnt_empty(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10)) EXCEPT SELECT * FROM rows10$$,
    'self-check: one changed character in one row changes the digests');
UPDATE cards SET front_text = 'Καλημέρα' WHERE id = 'e0000000-0000-4000-8000-000000000001';
SELECT is_empty(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10)) EXCEPT SELECT * FROM rows10$$,
    'self-check: changing it back restores the digests');
DELETE FROM reviews WHERE id = '20000000-0000-4000-8000-000000000006';
SELECT isnt_empty(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols10)) EXCEPT SELECT * FROM rows10$$,
    'self-check: one deleted row changes the digests');
ALTER TABLE decks ALTER COLUMN is_active TYPE boolean USING is_active::text::boolean;
SELECT results_eq(
    $$SELECT s.rel FROM pg_temp.storage() s JOIN files10b USING (rel)
      WHERE s.relfilenode <> files10b.relfilenode AND s.rel = 'table decks'$$,
    $$VALUES ('table decks')$$,
    'self-check: a rewrite of decks changes its relfilenode');

SELECT * FROM finish();
ROLLBACK;
