/* test/lib/citus_1_4/flashcard_schema--1.4--1.3.sql: a TEST-ONLY revision (see its up script) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'" to load this file. \quit

-- response_ms is derived from time_taken: nothing is lost by dropping it.
DO $$
BEGIN
    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_reviews_response_ms';
    EXECUTE 'ALTER TABLE @extschema@.reviews DROP COLUMN IF EXISTS response_ms';
END
$$;
