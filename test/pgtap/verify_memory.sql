-- test/pgtap/verify_memory.sql: flashcard_schema_verify() and flashcard_schema_assert()
-- give back all the memory they use.
--
-- In one backend, once caches are warm, many calls must not grow the total of
-- the backend's memory contexts (pg_backend_memory_contexts): 10,000 calls of
-- verify() by at most 64 kB, 2,000 calls of assert() (and 1,000 failing ones,
-- which unwind through the error path) by at most 16 kB.  Memory is
-- deterministic, unlike time, so this can be part of the suite: the growth
-- measured is 0 (verify() even ends a block lower) on every run, and a leak of
-- as little as ~8 bytes per call would cross the bounds.  (The counts are kept
-- down for the suite's sake: a call takes 0.3-1 ms.)
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
SELECT no_plan();  -- finish() prints the plan: the count of what ran
CREATE EXTENSION flashcard_schema;

-- warm up: catalog caches, plans, the library
DO $$ BEGIN
    FOR i IN 1..100 LOOP
        PERFORM count(*) FROM flashcard_schema_verify();
        PERFORM flashcard_schema_assert();
    END LOOP;
END $$;

SELECT sum(total_bytes) AS before FROM pg_backend_memory_contexts \gset verify_
DO $$ BEGIN
    FOR i IN 1..10000 LOOP PERFORM count(*) FROM flashcard_schema_verify(); END LOOP;
END $$;
SELECT sum(total_bytes) AS after FROM pg_backend_memory_contexts \gset verify_
SELECT cmp_ok((:verify_after - :verify_before)::numeric, '<=', 65536::numeric,
              '10,000 calls of verify() grow the backend''s memory by at most 64 kB');

-- The same loop once before measuring: after the 10,000 verify() calls, the
-- first 2,000 assert() calls may still grow a context by one block (64 kB
-- seen once on PostgreSQL 18, never again in the next 8,000 calls); a leak
-- grows on every loop, and the measured one shows it.
DO $$ BEGIN
    FOR i IN 1..2000 LOOP PERFORM flashcard_schema_assert(); END LOOP;
END $$;
SELECT sum(total_bytes) AS before FROM pg_backend_memory_contexts \gset assert_
DO $$ BEGIN
    FOR i IN 1..2000 LOOP PERFORM flashcard_schema_assert(); END LOOP;
END $$;
SELECT sum(total_bytes) AS after FROM pg_backend_memory_contexts \gset assert_
SELECT cmp_ok((:assert_after - :assert_before)::numeric, '<=', 16384::numeric,
              '2,000 calls of assert() grow the backend''s memory by at most 16 kB');

-- the same with a drifted schema, where assert() raises its error every time
-- (caught, so each call unwinds through the error path)
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
CREATE FUNCTION pg_temp.assert_fails() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM flashcard_schema_assert();
    RETURN false;
EXCEPTION WHEN invalid_schema_definition THEN
    RETURN true;
END
$$;
SELECT ok(pg_temp.assert_fails(), 'with a drifted schema, assert() raises 42P15');
DO $$ BEGIN
    FOR i IN 1..100 LOOP PERFORM pg_temp.assert_fails(); END LOOP;
END $$;
SELECT sum(total_bytes) AS before FROM pg_backend_memory_contexts \gset failing_
DO $$ BEGIN
    FOR i IN 1..1000 LOOP PERFORM pg_temp.assert_fails(); END LOOP;
END $$;
SELECT sum(total_bytes) AS after FROM pg_backend_memory_contexts \gset failing_
SELECT cmp_ok((:failing_after - :failing_before)::numeric, '<=', 16384::numeric,
              '1,000 failing calls of assert() grow the backend''s memory by at most 16 kB');

\echo # backend memory, bytes before -> after: verify() x10000 :verify_before -> :verify_after, assert() x2000 :assert_before -> :assert_after, failing assert() x1000 :failing_before -> :failing_after

SELECT * FROM finish();
ROLLBACK;
