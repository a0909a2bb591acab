-- test/pgtap/contract_1_0.sql: CREATE EXTENSION flashcard_schema VERSION '1.0'
-- yields exactly the schema of the contract (docs/contract.md) at 1.0.
-- The facts are in contract_facts.psql, the assertions shared by every
-- version in contract_common.psql; this file adds what only 1.0 has.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\encoding UTF8
SET client_min_messages = warning;

\set version 1.0

BEGIN;
\ir ../lib/contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

SELECT no_plan();  -- finish() prints the plan: the count of what ran
\ir ../lib/contract_common.psql

-- 1.0 predates the last login (1.1) ...
SELECT hasnt_column('flashcard', 'users', 'last_login_at',
                    'Column flashcard.users.last_login_at should not exist before 1.1');
SELECT hasnt_column('flashcard', 'users', 'last_login_ip',
                    'Column flashcard.users.last_login_ip should not exist before 1.1');

-- ... and the C levels (1.2).
SELECT throws_ok($$INSERT INTO flashcard.decks (name, level) VALUES ('Προχωρημένο', 'C1')$$,
                 '22P02', 'invalid input value for enum flashcard.decklevel: "C1"',
                 'A deck cannot be at level C1 before 1.2');

SELECT * FROM finish();
ROLLBACK;
