/* flashcard_schema--1.2--1.1.sql: decks lose the C1 and C2 levels */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'" to load this file. \quit

-- Lock decks (bounded wait, as in every step), then refuse to discard data
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
        LOCK TABLE @extschema@.decks IN ACCESS EXCLUSIVE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table decks to downgrade flashcard_schema to 1.1'
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
      FROM @extschema@.decks
     WHERE level::pg_catalog.text OPERATOR(pg_catalog.=) ANY ('{C1,C2}'::pg_catalog.text[]);
    IF n OPERATOR(pg_catalog.>) 0 AND NOT allow THEN
        RAISE EXCEPTION 'downgrading flashcard_schema to 1.1 would discard the level of % deck(s) at C1 or C2', n
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Revision 1.1 has no levels C1 and C2; %s row(s) of table decks use them.', n),
                  HINT = 'Move those decks to another level or delete them first, or run SET flashcard_schema.allow_data_loss = on in this session to have them moved to level B2.';
    ELSIF n OPERATOR(pg_catalog.>) 0 THEN
        RAISE WARNING 'flashcard_schema.allow_data_loss is on: moving % deck(s) from level C1 or C2 to B2', n;
        UPDATE @extschema@.decks SET level = 'B2' WHERE level::pg_catalog.text OPERATOR(pg_catalog.=) ANY ('{C1,C2}'::pg_catalog.text[]);
    END IF;
END
$$;

-- PostgreSQL cannot remove enum labels, so build the 1.1 type and move the
-- column over to it.  This rewrites decks (a small table of curated content)
-- under the lock taken above.
ALTER TYPE @extschema@.decklevel RENAME TO decklevel_before_1_1;
CREATE TYPE @extschema@.decklevel AS ENUM ('A1', 'A2', 'B1', 'B2');
ALTER TABLE @extschema@.decks
    ALTER COLUMN level TYPE @extschema@.decklevel
    USING level::pg_catalog.text::@extschema@.decklevel;
DROP TYPE @extschema@.decklevel_before_1_1;
