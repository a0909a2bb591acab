-- test/pgtap/contract_1_2.sql: CREATE EXTENSION flashcard_schema VERSION '1.2'
-- yields exactly the schema of the contract (docs/contract.md) at 1.2.
-- The facts are in contract_facts.psql (with 1.1's last login columns and
-- 1.2's levels C1 and C2), the assertions shared by every version in
-- contract_common.psql; 1.2 adds that its new levels are usable at once.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\encoding UTF8
SET client_min_messages = warning;

\set version 1.2

BEGIN;
\ir ../lib/contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

SELECT no_plan();  -- finish() prints the plan: the count of what ran
\ir ../lib/contract_common.psql

-- 1.2 installs from its own script, so its new levels are usable in the
-- installing transaction (a single-transaction restore depends on it).
SELECT lives_ok($$INSERT INTO flashcard.decks (name, level) VALUES ('Γ1', 'C1'), ('Γ2', 'C2')$$,
                'Decks at levels C1 and C2 can be stored in the transaction that installed 1.2');

SELECT * FROM finish();
ROLLBACK;
