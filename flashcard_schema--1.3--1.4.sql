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
-- Every lock is held until the update commits, so the order is chosen to
-- keep each table blocked as briefly as possible: users first (its unique
-- index, over the largest table, is the longest part), then decks (its
-- foreign key into users needs users' lock, already held), then
-- user_settings, whose two columns are catalog-only and so are locked for the
-- last few milliseconds only.  Each table's lock is taken before anything is
-- changed on it, with a bounded wait (5s unless the session chose its own
-- lock_timeout), and a clear error naming the table when the wait runs out.
--
-- Written to run on a Citus cluster too (docs/adding-a-revision.md): DDL
-- through EXECUTE, each statement idempotent (a worker's copy of a reference
-- table receives it from the coordinator and from its own run of this
-- script); no data is changed.  users and decks are reference tables there.

-- users: auth0_id (2026-01-08) with its unique index, avatar_url (2026-01-20)
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        EXECUTE 'LOCK TABLE @extschema@.users IN ACCESS EXCLUSIVE MODE';
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table users to update flashcard_schema to 1.4'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

    EXECUTE 'ALTER TABLE @extschema@.users
                 ADD COLUMN IF NOT EXISTS auth0_id pg_catalog.varchar(255),
                 ADD COLUMN IF NOT EXISTS avatar_url pg_catalog.varchar(500)';
    EXECUTE 'COMMENT ON COLUMN @extschema@.users.auth0_id IS ''Auth0 user identifier (sub claim)''';
    EXECUTE 'COMMENT ON COLUMN @extschema@.users.avatar_url IS ''S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)''';
    EXECUTE 'CREATE UNIQUE INDEX IF NOT EXISTS ix_users_auth0_id ON @extschema@.users USING btree (auth0_id)';
END
$$;

-- decks: is_premium (2026-01-15) and owner_id (2026-01-16), their indexes,
-- and owner_id's foreign key into users
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        EXECUTE 'LOCK TABLE @extschema@.decks IN ACCESS EXCLUSIVE MODE';
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table decks to update flashcard_schema to 1.4'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

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

-- user_settings: preferred_language (2025-12-19) and theme (2026-01-13);
-- catalog-only, so locked last
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        EXECUTE 'LOCK TABLE @extschema@.user_settings IN ACCESS EXCLUSIVE MODE';
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table user_settings to update flashcard_schema to 1.4'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

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
