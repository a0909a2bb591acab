-- test/pgtap/contract_1_3.sql: CREATE EXTENSION flashcard_schema VERSION '1.3'
-- yields exactly the schema of the contract (docs/contract.md) at 1.3.
-- The facts are in contract_facts.psql (with 1.1's last login columns, 1.2's
-- levels C1 and C2 and 1.3's integer reviews.quality), the assertions shared
-- by every version in contract_common.psql; 1.3 adds that its levels and the
-- application's scores 0-5 are usable in the installing transaction.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\encoding UTF8
SET client_min_messages = warning;

\set version 1.3

BEGIN;
\ir ../lib/contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

SELECT no_plan();  -- finish() prints the plan: the count of what ran
\ir ../lib/contract_common.psql

-- 1.3 installs from its own script, so the levels of 1.2 are usable in the
-- installing transaction (a single-transaction restore depends on it).
SELECT lives_ok($$INSERT INTO flashcard.decks (name, level) VALUES ('Γ1', 'C1'), ('Γ2', 'C2')$$,
                'Decks at levels C1 and C2 can be stored in the transaction that installed 1.3');
SELECT lives_ok($$INSERT INTO flashcard.users (id, email) VALUES ('a0000000-0000-4000-8000-000000000001', 'u@example.gr');
                  INSERT INTO flashcard.cards (id, deck_id, front_text, back_text)
                  SELECT 'e0000000-0000-4000-8000-000000000001', id, 'νερό', 'water' FROM flashcard.decks WHERE name = 'Γ1';
                  INSERT INTO flashcard.reviews (user_id, card_id, quality, time_taken)
                  SELECT 'a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', q, 5
                  FROM generate_series(0, 5) q$$,
                'Reviews scored 0 to 5, as the application writes them, are stored');
SELECT is((SELECT avg(quality) FROM flashcard.reviews), 2.5,
          'avg(reviews.quality) works, as the application''s average-quality query needs');

SELECT * FROM finish();
ROLLBACK;
