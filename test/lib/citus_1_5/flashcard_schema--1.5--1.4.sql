/* test/lib/citus_1_5/flashcard_schema--1.5--1.4.sql: a TEST-ONLY revision (see its up script) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'" to load this file. \quit

-- response_ms is derived from time_taken: nothing is lost by dropping it.
DO $$
BEGIN
    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_reviews_response_ms';
    EXECUTE 'ALTER TABLE @extschema@.reviews DROP COLUMN IF EXISTS response_ms';
END
$$;
