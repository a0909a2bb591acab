-- test/pgtap/contract_1_5.sql: CREATE EXTENSION flashcard_schema VERSION '1.5'
-- yields exactly the schema of the contract (contract/*.tsv) at 1.5.
-- The facts come from the declaration through contract_facts.psql, the
-- assertions shared by every version from contract_common.psql; this file
-- adds what only 1.5 has.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\encoding UTF8
SET client_min_messages = warning;

\set version 1.5

BEGIN;
\ir ../lib/contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

SELECT no_plan();  -- finish() prints the plan: the count of what ran
\ir ../lib/contract_common.psql

-- TODO: what only 1.5 has, beyond the declaration's facts

SELECT * FROM finish();
ROLLBACK;
