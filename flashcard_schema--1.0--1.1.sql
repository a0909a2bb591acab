/* flashcard_schema--1.0--1.1.sql: users gain their last login (time and address) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'" to load this file. \quit

-- Take the one lock this step needs before changing anything, and give up
-- after a bounded wait (5s unless the session chose its own lock_timeout)
-- rather than queue every reader of users behind us indefinitely.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF saved = '0' THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        LOCK TABLE @extschema@.users IN ACCESS EXCLUSIVE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table users to update flashcard_schema to 1.1'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = 'Another transaction held a conflicting lock for longer than lock_timeout ('
                           || pg_catalog.current_setting('lock_timeout') || '). Nothing was changed.',
                  HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

-- Nullable columns without a default: a catalog-only change, no table rewrite.
ALTER TABLE @extschema@.users
    ADD COLUMN last_login_at pg_catalog.timestamptz,
    ADD COLUMN last_login_ip pg_catalog.varchar(45);

COMMENT ON COLUMN @extschema@.users.last_login_at IS 'Timestamp of last successful login';
COMMENT ON COLUMN @extschema@.users.last_login_ip IS 'IP address of last successful login';
