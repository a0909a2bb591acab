-- test/pgtap/data_quality.sql: the one rewrite, 1.2 -> 1.3, with data.
--
-- reviews.quality goes from the reviewrating enum to the integer SM-2 score
-- the application writes.  With the fixture (every table, Greek text) at 1.2:
--   * up: every review's quality becomes AGAIN 1, HARD 2, GOOD 3, EASY 4; every
--     other column of every row of the eight tables is unchanged; reviews is
--     rewritten exactly once (a table_rewrite event trigger counts it) and no
--     other table at all; reviews and its indexes get new files, the other
--     tables keep theirs;
--   * down: refused with 55000 (message, detail, hint) while a score is
--     outside 1..4, changing nothing; with allow_data_loss on, 0 and below
--     become AGAIN and 5 and above EASY with a WARNING; in-range scores map
--     back exactly;
--   * the same through the long route (1.0 -> 1.3 in one statement).
-- Everything happens in one transaction, rolled back at the end.
BEGIN;
SET LOCAL client_min_messages = warning;
\ir ../lib/data_helpers.psql

SELECT no_plan();  -- finish() prints the plan: the count of what ran

-- Every table rewrite in this transaction, in order (event triggers are
-- superuser objects; the test runs as one).
CREATE TEMP TABLE rewrites (n serial, tbl text, reason int);
CREATE FUNCTION pg_temp.note_rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rewrites (tbl, reason)
    VALUES (pg_event_trigger_table_rewrite_oid()::regclass::text, pg_event_trigger_table_rewrite_reason());
END
$$;
CREATE EVENT TRIGGER data_quality_rewrites ON table_rewrite EXECUTE FUNCTION pg_temp.note_rewrite();

CREATE EXTENSION flashcard_schema VERSION '1.2';
\ir ../lib/fixture_rows.psql

-- the columns of 1.2 minus quality: what must not change at all
CREATE TEMP TABLE cols_but_quality AS
SELECT jsonb_set(c, '{reviews}', (c -> 'reviews') - 'quality') AS cols
FROM (SELECT pg_temp.live_columns() AS c) s;
SELECT is((SELECT cols -> 'reviews' FROM cols_but_quality),
    '["id", "user_id", "card_id", "time_taken", "reviewed_at", "created_at", "updated_at"]'::jsonb,
    'fixture: reviews has its other seven columns');
CREATE TEMP TABLE rows12 AS SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols_but_quality));
CREATE TEMP TABLE quality12 AS SELECT id, quality::text AS rating FROM reviews;
CREATE TEMP TABLE files12 AS SELECT * FROM pg_temp.storage();
SELECT results_eq($$SELECT rating, count(*) FROM quality12 GROUP BY 1 ORDER BY 1$$,
    $$VALUES ('AGAIN', 2::bigint), ('EASY', 1), ('GOOD', 2), ('HARD', 1)$$,
    'fixture: reviews at every rating');

-- up (which tables it locks is checked by test/pgtap/data_locks.sql, where
-- the tables were not created in the same transaction)
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$, 'update 1.2 -> 1.3 with 6 reviews');
SELECT is(pg_temp.extversion(), '1.3', 'now at 1.3');
SELECT is((SELECT format_type(atttypid, atttypmod) FROM pg_attribute
           WHERE attrelid = 'reviews'::regclass AND attname = 'quality'),
    'integer', 'at 1.3: reviews.quality is an integer');
SELECT results_eq(
    $$SELECT q.rating, r.quality FROM reviews r JOIN quality12 q USING (id) ORDER BY r.id$$,
    $$SELECT rating, CASE rating WHEN 'AGAIN' THEN 1 WHEN 'HARD' THEN 2 WHEN 'GOOD' THEN 3 WHEN 'EASY' THEN 4 END
      FROM quality12 ORDER BY id$$,
    'at 1.3: every review converted by the seed''s numbers (AGAIN 1, HARD 2, GOOD 3, EASY 4)');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols_but_quality)) ORDER BY tbl$$,
    $$SELECT * FROM rows12 ORDER BY tbl$$,
    'at 1.3: every other column of every row of the eight tables unchanged');
SELECT results_eq($$SELECT tbl, reason FROM rewrites ORDER BY n$$,
    $$VALUES ('reviews', 4)$$,
    'update 1.2 -> 1.3: one rewrite, of reviews (reason 4: column type), and of no other table');
SELECT results_eq(
    $$SELECT s.rel FROM pg_temp.storage() s JOIN files12 f USING (rel)
      WHERE s.relfilenode <> f.relfilenode ORDER BY 1$$,
    $$VALUES ('index ix_reviews_card_id'), ('index ix_reviews_reviewed_at'), ('index ix_reviews_user_id'),
             ('index reviews_pkey'), ('table reviews')$$,
    'update 1.2 -> 1.3: new files for reviews and its four indexes, the other tables and indexes keep theirs');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.3: flashcard_schema_verify() is clean');
SELECT is((SELECT count(*) FROM reviews), 6::bigint, 'at 1.3: 6 reviews, as before');

-- the scores the application writes, 0 to 5, and what it computes from them
SELECT lives_ok(
    $$INSERT INTO reviews (id, user_id, card_id, quality, time_taken, reviewed_at) VALUES
      ('20000000-0000-4000-8000-0000000000a0', 'a0000000-0000-4000-8000-000000000001',
       'e0000000-0000-4000-8000-000000000001', 0, 9, '2024-03-02 09:00:00+00'),
      ('20000000-0000-4000-8000-0000000000a5', 'a0000000-0000-4000-8000-000000000001',
       'e0000000-0000-4000-8000-000000000001', 5, 1, '2024-03-03 09:00:00+00')$$,
    'at 1.3: reviews with quality 0 and 5 are stored');
SELECT is((SELECT avg(quality) FROM reviews)::numeric(4,3), 2.375,
    'at 1.3: avg(quality) works, as the app''s average-quality query needs');
CREATE TEMP TABLE rows13 AS SELECT * FROM pg_temp.row_digests();
CREATE TEMP TABLE rows13_other AS SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols_but_quality));
TRUNCATE rewrites;

-- down, refused while a score is outside 1..4
CREATE TEMP TABLE err AS SELECT * FROM pg_temp.error_of($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$);
SELECT results_eq($$SELECT state, message FROM err$$,
    $$VALUES ('55000', 'downgrading flashcard_schema to 1.2 would discard the quality of 2 review(s) outside 1 to 4')$$,
    '1.3 -> 1.2 with scores 0 and 5: refused with 55000, naming how many reviews');
SELECT results_eq($$SELECT detail, hint FROM err$$,
    $$VALUES ('Revision 1.2 stores a review''s quality as reviewrating (AGAIN 1, HARD 2, GOOD 3, EASY 4); 2 row(s) of table reviews hold 0, 5 or another score it cannot represent.',
              'Change or delete those reviews first, or run SET flashcard_schema.allow_data_loss = on in this session to have 0 and below stored as AGAIN and 5 and above as EASY.')$$,
    '1.3 -> 1.2 refused: the detail says what 1.2 can hold, the hint the ways out');
SELECT is(pg_temp.extversion(), '1.3', '1.3 -> 1.2 refused: still at 1.3');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows13 ORDER BY tbl$$,
    '1.3 -> 1.2 refused: every row of the eight tables unchanged');
SELECT is_empty($$SELECT * FROM rewrites$$, '1.3 -> 1.2 refused: nothing was rewritten');
SELECT results_eq($$SELECT state FROM pg_temp.error_of($q$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$q$)$$,
    $$VALUES ('55000')$$, '1.3 -> 1.0 in one statement: refused by its first step');
SELECT is(pg_temp.extversion(), '1.3', '1.3 -> 1.0 refused: still at 1.3');

-- with the loss accepted: 0 becomes AGAIN, 5 becomes EASY (the WARNING it
-- raises is checked by test/t/data_loss_warnings.t)
SAVEPOINT lossy;
SET LOCAL flashcard_schema.allow_data_loss = on;
SET LOCAL client_min_messages = error;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$,
    '1.3 -> 1.2 with allow_data_loss on: goes through');
SELECT results_eq(
    $$SELECT id::text, quality::text FROM reviews WHERE id::text LIKE '%a_' ORDER BY id$$,
    $$VALUES ('20000000-0000-4000-8000-0000000000a0', 'AGAIN'), ('20000000-0000-4000-8000-0000000000a5', 'EASY')$$,
    'with allow_data_loss on: quality 0 stored as AGAIN, 5 as EASY');
SELECT results_eq(
    $$SELECT r.quality::text FROM reviews r JOIN quality12 q USING (id) ORDER BY r.id$$,
    $$SELECT rating FROM quality12 ORDER BY id$$,
    'with allow_data_loss on: the scores 1..4 map back to their ratings exactly');
SELECT results_eq(
    $$SELECT * FROM pg_temp.row_digests((SELECT cols FROM cols_but_quality)) ORDER BY tbl$$,
    $$SELECT * FROM rows13_other ORDER BY tbl$$,
    'with allow_data_loss on: every other column of every row of the eight tables unchanged');
SELECT results_eq($$SELECT tbl FROM rewrites ORDER BY n$$, $$VALUES ('reviews')$$,
    '1.3 -> 1.2: one rewrite, of reviews only');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.2 after the downgrade: flashcard_schema_verify() is clean');
ROLLBACK TO SAVEPOINT lossy;
SELECT is(pg_temp.extversion(), '1.3', 'back at 1.3 (the lossy downgrade was rolled back)');

-- without the out-of-range scores, down and up again keep every row exactly
DELETE FROM reviews WHERE quality NOT BETWEEN 1 AND 4;
CREATE TEMP TABLE rows13b AS SELECT * FROM pg_temp.row_digests();
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$, '1.3 -> 1.2 with scores 1..4 only: goes through');
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$, 'and 1.2 -> 1.3 again');
SELECT results_eq($$SELECT * FROM pg_temp.row_digests() ORDER BY tbl$$, $$SELECT * FROM rows13b ORDER BY tbl$$,
    'down to 1.2 and up to 1.3: every row of the eight tables identical, quality included');

-- the long route: installed at 1.0, updated to 1.3 in one statement
-- (dropping the populated 1.3 install needs the session's consent: the DROP guard)
SET flashcard_schema.allow_data_loss = on;
DROP EXTENSION flashcard_schema;
RESET flashcard_schema.allow_data_loss;
CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
TRUNCATE rewrites;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.3'$$, '1.0 -> 1.3 in one statement');
SELECT results_eq(
    $$SELECT q.rating, r.quality FROM reviews r JOIN quality12 q USING (id) ORDER BY r.id$$,
    $$SELECT rating, CASE rating WHEN 'AGAIN' THEN 1 WHEN 'HARD' THEN 2 WHEN 'GOOD' THEN 3 WHEN 'EASY' THEN 4 END
      FROM quality12 ORDER BY id$$,
    '1.0 -> 1.3: every review converted by the seed''s numbers');
SELECT results_eq($$SELECT tbl FROM rewrites ORDER BY n$$, $$VALUES ('reviews')$$,
    '1.0 -> 1.3: one rewrite in all, of reviews');

SELECT * FROM finish();
ROLLBACK;
