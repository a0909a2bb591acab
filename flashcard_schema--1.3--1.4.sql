/* flashcard_schema--1.3--1.4.sql: the application's columns of 2025-12-19 to 2026-01-20, and the owner's REFERENCES and TRUNCATE */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'" to load this file. \quit

-- Refuse what the schema cannot live with before anything is created: a
-- database that is not UTF8 (the schema stores Greek text), and a schema or
-- default_tablespace in which the installing role may not create objects (a
-- trusted install runs this script as a superuser, so PostgreSQL would not
-- ask).  One home for these checks: src/install_check.c, through a function
-- that lives for this call only.
CREATE FUNCTION @extschema@.flashcard_schema_check_install()
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_check_install'
LANGUAGE C
SET search_path = pg_catalog, @extschema@, pg_temp;
SELECT @extschema@.flashcard_schema_check_install();
DROP FUNCTION @extschema@.flashcard_schema_check_install();

-- Replication: the DROP guard's event trigger (since 1.3) has already said,
-- before this script ran, which goes first; for this step, which only adds
-- columns (the contract in src/contract.c says so): the subscribers.

------------------------------------------------------------------------------
-- Revision 1.4: columns, indexes and the foreign key (issue 18)
------------------------------------------------------------------------------
--
-- Catalog-only wherever PostgreSQL allows: every new column is nullable or
-- has a constant default (no table rewrite; is_premium's false is stored once
-- in the catalog, not in each row).  What cannot be catalog-only is building
-- the three new indexes (each reads its table once; every value is NULL or
-- false) and validating the foreign key (one read of decks, finding no
-- owner_id to look up).
--
-- Every lock is held until the update commits, so the three tables it
-- changes are locked together, first, and only when all three can be had at
-- once: an attempt that cannot get one of them within a few milliseconds
-- gives back those it got (a subtransaction's locks end with it) and tries
-- again shortly after.  So the update never holds one table while waiting
-- for another (an application transaction holding user_settings and reading
-- users would otherwise deadlock with it, and one side be cancelled after
-- deadlock_timeout), and never sits for long in a table's lock queue, where
-- every new reader and writer of that table would queue behind it.  The
-- whole wait is bounded (5s unless the session chose its own lock_timeout);
-- when it runs out the update fails with an error naming the table it could
-- not lock, having changed nothing.  The longest part under the locks is
-- the unique index over every user.
--
-- Written to run on a Citus cluster too (docs/adding-a-revision.md): DDL
-- through EXECUTE, each statement idempotent (a worker's copy of a reference
-- table receives it from the coordinator and from its own run of this
-- script); no data is changed.  users, decks and user_settings are reference
-- tables there.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
    bound pg_catalog.text := CASE WHEN saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text
                                  THEN '5s'::pg_catalog.text ELSE saved END;
    deadline pg_catalog.timestamptz := pg_catalog.clock_timestamp()
                                       OPERATOR(pg_catalog.+) bound::pg_catalog.interval;
    attempt pg_catalog.text := CASE WHEN bound::pg_catalog.interval OPERATOR(pg_catalog.<) '20ms'::pg_catalog.interval
                                    THEN bound ELSE '20ms'::pg_catalog.text END;
    locking pg_catalog.text;
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
                RAISE EXCEPTION 'could not lock table % to update flashcard_schema to 1.4', locking
                    USING ERRCODE = 'lock_not_available',
                          DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                     bound),
                          HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
            END IF;
        END;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

-- users: auth0_id (2026-01-08) with its unique index, avatar_url (2026-01-20)
--
-- Building ix_users_auth0_id is the one long part (it reads every user).
-- A superuser may build it beforehand without blocking writers, and this
-- update then takes it over (docs/operations.md, "Updating to 1.4 with a
-- large users table"):
--     ALTER TABLE users ADD COLUMN auth0_id pg_catalog.varchar(255);
--     CREATE UNIQUE INDEX CONCURRENTLY ix_users_auth0_id ON users USING btree (auth0_id);
-- Only exactly that column and a valid index of exactly that definition are
-- taken over; anything else under those names is refused, nothing changed.
DO $$
DECLARE
    idx pg_catalog.regclass := pg_catalog.to_regclass('@extschema@.ix_users_auth0_id');
    valid pg_catalog.bool;
    def pg_catalog.text;
    tail pg_catalog.text;
BEGIN
    IF idx IS NOT NULL THEN
        SELECT x.indisvalid, pg_catalog.pg_get_indexdef(x.indexrelid)
          INTO valid, def
          FROM pg_catalog.pg_index x
         WHERE x.indexrelid OPERATOR(pg_catalog.=) idx
           AND x.indrelid OPERATOR(pg_catalog.=) '@extschema@.users'::pg_catalog.regclass;
        IF def IS NULL OR NOT def OPERATOR(pg_catalog.~) '^CREATE UNIQUE INDEX ix_users_auth0_id ON (\S+\.)?users USING btree \(auth0_id\)$' THEN
            RAISE EXCEPTION 'index ix_users_auth0_id is not the index revision 1.4 creates'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('It is defined as: %s. Nothing was changed.',
                                                 COALESCE(def, pg_catalog.format('an index of another table, %s', idx))),
                      HINT = 'Drop it, then run the update again (it builds the index), or build it as docs/operations.md shows.';
        ELSIF NOT valid THEN
            RAISE EXCEPTION 'index ix_users_auth0_id is invalid'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A CREATE INDEX CONCURRENTLY that did not finish leaves an invalid index. Nothing was changed.',
                      HINT = 'Drop it (DROP INDEX CONCURRENTLY ix_users_auth0_id), then build it again or let the update build it.';
        END IF;
    END IF;

    EXECUTE 'ALTER TABLE @extschema@.users
                 ADD COLUMN IF NOT EXISTS auth0_id pg_catalog.varchar(255),
                 ADD COLUMN IF NOT EXISTS avatar_url pg_catalog.varchar(500)';
    -- the last two columns, as the contract has them (also when auth0_id was added beforehand)
    SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%s', a.attname,
                                     pg_catalog.format_type(a.atttypid, a.atttypmod),
                                     CASE WHEN a.attnotnull OR a.atthasdef THEN ' (not null or default)' ELSE '' END),
                                 ', ' ORDER BY a.attnum DESC)
      INTO tail
      FROM (SELECT * FROM pg_catalog.pg_attribute
             WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.users'::pg_catalog.regclass
               AND attnum OPERATOR(pg_catalog.>) 0 AND NOT attisdropped
             ORDER BY attnum DESC LIMIT 2) a;
    IF tail OPERATOR(pg_catalog.<>) 'avatar_url character varying(500), auth0_id character varying(255)'::pg_catalog.text THEN
        RAISE EXCEPTION 'table users does not end with the columns revision 1.4 adds'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Its last columns, last first: %s; expected avatar_url character varying(500), auth0_id character varying(255). Nothing was changed.', tail),
                  HINT = 'Drop the column added by hand, then run the update again.';
    END IF;
    EXECUTE 'COMMENT ON COLUMN @extschema@.users.auth0_id IS ''Auth0 user identifier (sub claim)''';
    EXECUTE 'COMMENT ON COLUMN @extschema@.users.avatar_url IS ''S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)''';
    EXECUTE 'CREATE UNIQUE INDEX IF NOT EXISTS ix_users_auth0_id ON @extschema@.users USING btree (auth0_id)';
END
$$;

-- decks: is_premium (2026-01-15) and owner_id (2026-01-16), their indexes,
-- and owner_id's foreign key into users
DO $$
BEGIN
    -- A constant default: stored once in the catalog (attmissingval), no rewrite.
    EXECUTE 'ALTER TABLE @extschema@.decks
                 ADD COLUMN IF NOT EXISTS is_premium pg_catalog.bool NOT NULL DEFAULT false,
                 ADD COLUMN IF NOT EXISTS owner_id pg_catalog.uuid';
    EXECUTE 'COMMENT ON COLUMN @extschema@.decks.is_premium IS ''Premium decks require a subscription to access''';
    EXECUTE 'COMMENT ON COLUMN @extschema@.decks.owner_id IS ''Owner user ID (NULL for system decks, UUID for user-created decks)''';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_decks_is_premium ON @extschema@.decks USING btree (is_premium)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_decks_owner_id ON @extschema@.decks USING btree (owner_id)';
    -- Added NOT VALID (no scan while adding), then validated: one read of
    -- decks that finds every owner_id NULL, so nothing is looked up in users.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint
                    WHERE conrelid OPERATOR(pg_catalog.=) '@extschema@.decks'::pg_catalog.regclass
                      AND conname OPERATOR(pg_catalog.=) 'fk_decks_owner_id_users'::pg_catalog.name) THEN
        EXECUTE 'ALTER TABLE @extschema@.decks
                     ADD CONSTRAINT fk_decks_owner_id_users FOREIGN KEY (owner_id)
                     REFERENCES @extschema@.users (id) ON DELETE CASCADE NOT VALID';
    END IF;
    EXECUTE 'ALTER TABLE @extschema@.decks VALIDATE CONSTRAINT fk_decks_owner_id_users';
END
$$;

-- user_settings: preferred_language (2025-12-19) and theme (2026-01-13)
DO $$
BEGIN
    EXECUTE 'ALTER TABLE @extschema@.user_settings
                 ADD COLUMN IF NOT EXISTS preferred_language pg_catalog.varchar(10),
                 ADD COLUMN IF NOT EXISTS theme pg_catalog.varchar(10)';
    EXECUTE 'COMMENT ON COLUMN @extschema@.user_settings.preferred_language IS ''ISO 639-1 language code (e.g., ''''en'''', ''''el'''')''';
    EXECUTE 'COMMENT ON COLUMN @extschema@.user_settings.theme IS ''User''''s preferred theme: ''''light'''' or ''''dark''''''';
END
$$;

------------------------------------------------------------------------------
-- Revision 1.4: the database owner's REFERENCES and TRUNCATE (issue 17)
------------------------------------------------------------------------------
--
-- The application's own tables have foreign keys into these (REFERENCES),
-- and its seed-and-reset code empties them (TRUNCATE).  Nothing more: no
-- TRIGGER, no MAINTAIN, no grant option (docs/security.md).  A GRANT changes
-- the catalog only and takes no table lock.
DO $$
BEGIN
    EXECUTE 'GRANT TRUNCATE, REFERENCES ON TABLE
                 @extschema@.users, @extschema@.user_settings, @extschema@.refresh_tokens,
                 @extschema@.decks, @extschema@.cards, @extschema@.user_deck_progress,
                 @extschema@.card_statistics, @extschema@.reviews
                 TO pg_database_owner';
END
$$;

------------------------------------------------------------------------------
-- The DROP guard in 1.4 (issue 16)
------------------------------------------------------------------------------
--
-- While any table holds rows, nothing drops them, their keys or their indexes
-- unless the session set flashcard_schema.allow_data_loss (src/drop_guard.c).
-- The guard at ddl_command_start now fires on every DDL command: it refuses
-- ALTER EXTENSION flashcard_schema ADD (a planted member makes a DROP ...
-- CASCADE of that member drop the whole extension) and DROP INDEX or ALTER
-- INDEX on an index of a table with rows, and by firing it loads the library
-- whose object access hook notes each table, key or index dropped while its
-- table holds rows.  The second trigger, at sql_drop, refuses at the end of
-- any statement that dropped one, whatever cascade reached it; its ERROR
-- undoes the statement.  Both fire ALWAYS: session_replication_role =
-- replica does not switch them off.
DROP EVENT TRIGGER flashcard_schema_drop_guard;
CREATE EVENT TRIGGER flashcard_schema_drop_guard ON ddl_command_start
    EXECUTE FUNCTION @extschema@.flashcard_schema_drop_guard();
ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE ALWAYS;
CREATE EVENT TRIGGER flashcard_schema_drop_backstop ON sql_drop
    EXECUTE FUNCTION @extschema@.flashcard_schema_drop_guard();
ALTER EVENT TRIGGER flashcard_schema_drop_backstop ENABLE ALWAYS;
