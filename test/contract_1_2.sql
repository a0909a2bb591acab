-- test/contract_1_2.sql: CREATE EXTENSION flashcard_schema VERSION '1.2'
-- yields exactly the schema of the contract (schema-contract.md) at 1.2.
-- The facts are in contract_facts.psql (with 1.1's last login columns and
-- 1.2's levels C1 and C2), the assertions shared by every version in
-- contract_common.psql; 1.2 adds no assertion of its own.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\encoding UTF8
SET client_min_messages = warning;

\set version 1.2

BEGIN;
\ir contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

-- contract_common.psql (1.0 facts, + 4 for each of 1.1's two columns).
SELECT plan(:contract_common_tests + 2 * 4);
\ir contract_common.psql

-- No test here that a deck can be at level C1 or C2: 1.2 is reached through
-- flashcard_schema--1.1--1.2.sql (there is no flashcard_schema--1.2.sql), whose
-- ALTER TYPE ... ADD VALUE makes the new labels unusable until the transaction
-- that ran CREATE EXTENSION commits (55P04 "unsafe use of new value"), and this
-- test never commits.  The labels and their order are asserted above.

SELECT * FROM finish();
ROLLBACK;
