/* flashcard_schema--1.1--1.0.sql: users lose their last login (time and address) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'" to load this file. \quit

-- Lock users (bounded wait, as in every step), then refuse to discard data
-- unless the session accepted the loss with flashcard_schema.allow_data_loss.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
    allow pg_catalog.bool;
    n pg_catalog.int8;
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        LOCK TABLE @extschema@.users IN ACCESS EXCLUSIVE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table users to downgrade flashcard_schema to 1.0'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the downgrade when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

    -- Calling into the library first defines flashcard_schema.allow_data_loss
    -- (so it reads 'on' or 'off') and makes its check of where the value
    -- came from apply to the value read here: only the session's own
    -- setting counts, never one left by ALTER DATABASE or ALTER ROLE.
    PERFORM @extschema@.flashcard_schema_revision();
    allow := pg_catalog.current_setting('flashcard_schema.allow_data_loss')
             OPERATOR(pg_catalog.=) 'on'::pg_catalog.text;
    SELECT pg_catalog.count(*) INTO n
      FROM @extschema@.users
     WHERE last_login_at IS NOT NULL OR last_login_ip IS NOT NULL;
    IF n OPERATOR(pg_catalog.>) 0 AND NOT allow THEN
        RAISE EXCEPTION 'downgrading flashcard_schema to 1.0 would discard the last login of % user(s)', n
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Revision 1.0 has no columns users.last_login_at and users.last_login_ip; %s row(s) hold a value in them.', n),
                  HINT = 'Copy or clear those values first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss.';
    ELSIF n OPERATOR(pg_catalog.>) 0 THEN
        RAISE WARNING 'flashcard_schema.allow_data_loss is on: discarding the last login of % user(s)', n;
    END IF;
END
$$;

-- Dropping columns only marks them dropped in the catalog: no table rewrite.
ALTER TABLE @extschema@.users
    DROP COLUMN last_login_at,
    DROP COLUMN last_login_ip;
