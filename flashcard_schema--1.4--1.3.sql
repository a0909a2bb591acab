/* flashcard_schema--1.4--1.3.sql: the application's January columns go, and the owner's REFERENCES and TRUNCATE */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'" to load this file. \quit

------------------------------------------------------------------------------
-- Revision 1.4: columns, indexes and the foreign key (issue 18)
------------------------------------------------------------------------------
--
-- Lock the three tables, all at once or none (as the update to 1.4 does,
-- and for the same reasons: no deadlock with a transaction that holds one of
-- them and wants another, no long stay in a lock queue), within a bounded
-- wait (5s unless the session chose its own lock_timeout); then refuse to
-- discard data unless the session accepted the loss with
-- flashcard_schema.allow_data_loss.  The rows are counted under the locks,
-- so none can arrive between the count and the drop.  Dropping a column only
-- marks it dropped in the catalog: no table rewrite; its index and foreign
-- key go with it.  Written to run on a Citus cluster too: DDL through
-- EXECUTE and idempotent, the rows counted on the coordinator only.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
    bound pg_catalog.text := CASE WHEN saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text
                                  THEN '5s'::pg_catalog.text ELSE saved END;
    deadline pg_catalog.timestamptz := pg_catalog.clock_timestamp()
                                       OPERATOR(pg_catalog.+) bound::pg_catalog.interval;
    attempt pg_catalog.text := CASE WHEN bound::pg_catalog.interval OPERATOR(pg_catalog.<) '20ms'::pg_catalog.interval
                                    THEN bound ELSE '20ms'::pg_catalog.text END;
    coordinator pg_catalog.bool := true;
    allow pg_catalog.bool;
    locking pg_catalog.text;
    n_language pg_catalog.int8;
    n_theme pg_catalog.int8;
    n_auth0 pg_catalog.int8;
    n_avatar pg_catalog.int8;
    n_premium pg_catalog.int8;
    n_owner pg_catalog.int8;
    held pg_catalog.text;
    total pg_catalog.int8;
BEGIN
    PERFORM pg_catalog.set_config('lock_timeout', attempt, true);
    LOOP
        BEGIN
            locking := 'users';
            EXECUTE 'LOCK TABLE @extschema@.users IN ACCESS EXCLUSIVE MODE';
            locking := 'decks';
            EXECUTE 'LOCK TABLE @extschema@.decks IN ACCESS EXCLUSIVE MODE';
            locking := 'user_settings';
            EXECUTE 'LOCK TABLE @extschema@.user_settings IN ACCESS EXCLUSIVE MODE';
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            -- the subtransaction's locks are released: nothing is held now
            IF pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>=) deadline THEN
                RAISE EXCEPTION 'could not lock table % to downgrade flashcard_schema to 1.3', locking
                    USING ERRCODE = 'lock_not_available',
                          DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                     bound),
                          HINT = 'Retry the downgrade when the long-running transaction has finished, or raise lock_timeout for this session.';
            END IF;
        END;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

    -- Loading the library first defines flashcard_schema.allow_data_loss
    -- (so it reads 'on' or 'off') and makes its check of where the value
    -- came from apply to the value read here: only the session's own
    -- setting counts, never one left by ALTER DATABASE or ALTER ROLE.
    -- LOAD, not a call of flashcard_schema_revision(): an overload of it
    -- whose arguments all have defaults (anyone may create one where the
    -- schema grants CREATE) would make the call ambiguous (issue 16).
    EXECUTE 'LOAD ''MODULE_PATHNAME''';
    allow := pg_catalog.current_setting('flashcard_schema.allow_data_loss')
             OPERATOR(pg_catalog.=) 'on'::pg_catalog.text;

    -- A Citus worker runs this script inside the coordinator's command and
    -- cannot query a distributed table there: the coordinator counts.
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    END IF;
    IF coordinator THEN
        -- Columns a partial earlier run (or a Citus worker's copy) already
        -- dropped count as empty.
        IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                    WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.users'::pg_catalog.regclass
                      AND attname OPERATOR(pg_catalog.=) 'avatar_url'::pg_catalog.name
                      AND NOT attisdropped) THEN
            EXECUTE 'SELECT pg_catalog.count(auth0_id), pg_catalog.count(avatar_url) FROM @extschema@.users'
               INTO n_auth0, n_avatar;
        END IF;
        IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                    WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.decks'::pg_catalog.regclass
                      AND attname OPERATOR(pg_catalog.=) 'owner_id'::pg_catalog.name
                      AND NOT attisdropped) THEN
            EXECUTE 'SELECT pg_catalog.count(*) FILTER (WHERE is_premium), pg_catalog.count(owner_id) FROM @extschema@.decks'
               INTO n_premium, n_owner;
        END IF;
        IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                    WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.user_settings'::pg_catalog.regclass
                      AND attname OPERATOR(pg_catalog.=) 'theme'::pg_catalog.name
                      AND NOT attisdropped) THEN
            EXECUTE 'SELECT pg_catalog.count(preferred_language), pg_catalog.count(theme) FROM @extschema@.user_settings'
               INTO n_language, n_theme;
        END IF;
    END IF;

    -- In the order 1.4 added them: "user_settings.preferred_language: 3 rows, ..."
    SELECT pg_catalog.string_agg(pg_catalog.format('%s: %s %s', c, n,
                                     CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'row' ELSE 'rows' END),
                                 ', ' ORDER BY i),
           pg_catalog.sum(n)
      INTO held, total
      FROM (VALUES (1, 'user_settings.preferred_language', n_language),
                   (2, 'users.auth0_id', n_auth0),
                   (3, 'user_settings.theme', n_theme),
                   (4, 'decks.is_premium (true)', n_premium),
                   (5, 'decks.owner_id', n_owner),
                   (6, 'users.avatar_url', n_avatar)) AS v(i, c, n)
     WHERE n OPERATOR(pg_catalog.>) 0;

    IF held IS NOT NULL AND NOT allow THEN
        RAISE EXCEPTION 'downgrading flashcard_schema to 1.3 would discard % value(s) in the columns of 1.4', total
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Revision 1.3 has none of the columns 1.4 added; these hold data (non-NULL values, or true for is_premium): %s.', held),
                  HINT = 'Copy or clear those values first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss.';
    ELSIF held IS NOT NULL THEN
        RAISE WARNING 'flashcard_schema.allow_data_loss is on: discarding % value(s) in the columns of 1.4', total
            USING DETAIL = pg_catalog.format('Discarded: %s.', held);
    END IF;

    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_users_auth0_id';
    EXECUTE 'ALTER TABLE @extschema@.users
                 DROP COLUMN IF EXISTS auth0_id,
                 DROP COLUMN IF EXISTS avatar_url';
    EXECUTE 'ALTER TABLE @extschema@.decks DROP CONSTRAINT IF EXISTS fk_decks_owner_id_users';
    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_decks_is_premium';
    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_decks_owner_id';
    EXECUTE 'ALTER TABLE @extschema@.decks
                 DROP COLUMN IF EXISTS is_premium,
                 DROP COLUMN IF EXISTS owner_id';
    EXECUTE 'ALTER TABLE @extschema@.user_settings
                 DROP COLUMN IF EXISTS preferred_language,
                 DROP COLUMN IF EXISTS theme';
END
$$;

------------------------------------------------------------------------------
-- Revision 1.4: the database owner's REFERENCES and TRUNCATE (issue 17)
------------------------------------------------------------------------------
--
-- Back to 1.3's SELECT, INSERT, UPDATE, DELETE.  Foreign keys the owner's own
-- tables already have into these stay (PostgreSQL checks REFERENCES only when
-- a key is created); the owner can no longer create new ones, nor TRUNCATE.
DO $$
BEGIN
    EXECUTE 'REVOKE TRUNCATE, REFERENCES ON TABLE
                 @extschema@.users, @extschema@.user_settings, @extschema@.refresh_tokens,
                 @extschema@.decks, @extschema@.cards, @extschema@.user_deck_progress,
                 @extschema@.card_statistics, @extschema@.reviews
                 FROM pg_database_owner';
END
$$;

------------------------------------------------------------------------------
-- The DROP guard in 1.4 (issue 16), undone
------------------------------------------------------------------------------
--
-- 1.3's guard exactly: one trigger at ddl_command_start for four statement
-- tags, enabled on origin only (sql/identity.sql compares every route).
DROP EVENT TRIGGER flashcard_schema_drop_backstop;
DROP EVENT TRIGGER flashcard_schema_drop_guard;
CREATE EVENT TRIGGER flashcard_schema_drop_guard ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP OWNED', 'ALTER EXTENSION')
    EXECUTE FUNCTION @extschema@.flashcard_schema_drop_guard();
