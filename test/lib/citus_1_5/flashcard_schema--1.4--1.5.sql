/* test/lib/citus_1_5/flashcard_schema--1.4--1.5.sql: a TEST-ONLY revision */

-- Written by the rules of docs/adding-a-revision.md, for a distributed
-- install: test/bin/run.sh installs this pair beside the real scripts,
-- test/t/cluster/citus.t updates a distributed cluster from 1.4 (the real
-- revision) to this 1.5 and back with one command on the coordinator each
-- way, and run.sh removes them again.  Never shipped.
--
-- On a Citus cluster ALTER EXTENSION runs on the coordinator and on every
-- worker, and the coordinator's DDL on a distributed table also reaches the
-- workers' copies of it and every shard:
--   * DDL runs through EXECUTE in a DO block: Citus forwards a plain
--     statement of an extension script with the whole script text, which a
--     worker refuses ("cannot insert multiple commands into a prepared
--     statement");
--   * every DDL is idempotent (IF NOT EXISTS / IF EXISTS): a worker's copy
--     gets it twice, from the coordinator and from its own run of the script;
--   * data changes run on the coordinator only (a worker cannot run a
--     distributed query inside a command from the coordinator), and on a
--     server without Citus.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.5'" to load this file. \quit

DO $$
DECLARE
    coordinator pg_catalog.bool := true;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    END IF;
    EXECUTE 'ALTER TABLE @extschema@.reviews ADD COLUMN IF NOT EXISTS response_ms pg_catalog.int4';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_reviews_response_ms ON @extschema@.reviews USING btree (response_ms)';
    IF coordinator THEN
        EXECUTE 'UPDATE @extschema@.reviews SET response_ms = time_taken WHERE response_ms IS NULL';
    END IF;
END
$$;
