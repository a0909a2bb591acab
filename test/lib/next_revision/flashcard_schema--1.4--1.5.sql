/* flashcard_schema--1.4--1.5.sql: a TEST-ONLY revision 1.5, the application's changes of February and March 2026 */

-- Never shipped: test/bin/next_revision.sh writes it over the stub that
-- `make revision REVISION=1.5` makes in a copy of the checkout, to prove the
-- declaration and the checklist (docs/adding-a-revision.md) on every kind of
-- change the application made after 1.4 (../shared/app-models.md, "Later
-- changes to the core"): a rename with its unique index, dropped columns and
-- a dropped table, a column split in three with a backfill, enum labels
-- removed, row level security.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.5'" to load this file. \quit

-- Refuse what the schema cannot live with before anything is created (one
-- home for these checks: src/install_check.c).
CREATE FUNCTION @extschema@.flashcard_schema_check_install()
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_check_install'
LANGUAGE C
SET search_path = pg_catalog, @extschema@, pg_temp;
SELECT @extschema@.flashcard_schema_check_install();
DROP FUNCTION @extschema@.flashcard_schema_check_install();

------------------------------------------------------------------------------
-- Revision 1.5
------------------------------------------------------------------------------
--
-- Every table changes (row level security reaches all of them), so all eight
-- are locked first, all at once or none, within the bounded wait of 1.4's
-- scripts; then what is at stake is counted under the locks (on the Citus
-- coordinator only) and the update refuses, having changed nothing:
--   * values the drops would discard (refresh_tokens' rows, the five users
--     columns' non-NULL values), unless flashcard_schema.allow_data_loss is
--     on in this session;
--   * rows using decklevel's C1 or C2, always (no row can hold a label the
--     type no longer has).  Anything else using decklevel (another table's
--     column, a function, a view) is refused before this script runs, by
--     the DROP guard's check of the route (src/blockers.c).
-- DDL runs through EXECUTE and is idempotent, data changes on the
-- coordinator only (docs/adding-a-revision.md, step 5).
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
    t pg_catalog.text;
    n pg_catalog.int8;
    held pg_catalog.text;
    total pg_catalog.int8;
    used pg_catalog.text;
BEGIN
    PERFORM pg_catalog.set_config('lock_timeout', attempt, true);
    LOOP
        BEGIN
            FOREACH t IN ARRAY ARRAY['users', 'user_settings', 'refresh_tokens', 'decks', 'cards',
                                     'user_deck_progress', 'card_statistics', 'reviews'] LOOP
                locking := t;
                IF pg_catalog.to_regclass(pg_catalog.format('@extschema@.%I', t)) IS NOT NULL THEN
                    EXECUTE pg_catalog.format('LOCK TABLE @extschema@.%I IN ACCESS EXCLUSIVE MODE', t);
                END IF;
            END LOOP;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            -- the subtransaction's locks are released: nothing is held now
            IF pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>=) deadline THEN
                RAISE EXCEPTION 'could not lock table % to update flashcard_schema to 1.5', locking
                    USING ERRCODE = 'lock_not_available',
                          DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                     bound),
                          HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
            END IF;
        END;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

    -- Only the session's own flashcard_schema.allow_data_loss counts (see
    -- flashcard_schema--1.4--1.3.sql)
    EXECUTE 'LOAD ''MODULE_PATHNAME''';
    allow := pg_catalog.current_setting('flashcard_schema.allow_data_loss')
             OPERATOR(pg_catalog.=) 'on'::pg_catalog.text;
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    END IF;
    IF NOT coordinator THEN
        RETURN;
    END IF;

    -- C1 and C2 go: no row may use them ("decks.level: 2 rows")
    IF EXISTS (SELECT FROM pg_catalog.pg_enum
                WHERE enumtypid OPERATOR(pg_catalog.=) '@extschema@.decklevel'::pg_catalog.regtype
                  AND enumlabel OPERATOR(pg_catalog.=) 'C1'::pg_catalog.name) THEN
        EXECUTE 'SELECT pg_catalog.count(*) FROM @extschema@.decks
                  WHERE level::pg_catalog.text OPERATOR(pg_catalog.=) ANY (ARRAY[''C1'', ''C2''])'
           INTO n;
        IF n OPERATOR(pg_catalog.>) 0 THEN
            SELECT pg_catalog.string_agg(pg_catalog.format('%s', d.id), ', ' ORDER BY d.id)
              INTO used
              FROM (SELECT id FROM @extschema@.decks
                     WHERE level::pg_catalog.text OPERATOR(pg_catalog.=) ANY (ARRAY['C1', 'C2'])
                     ORDER BY id LIMIT 10) d;
            RAISE EXCEPTION 'updating flashcard_schema to 1.5 would remove labels C1 and C2 of type decklevel, which % row(s) of decks.level use', n
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('Revision 1.5''s decklevel has A1, A2, B1 and B2 only. Decks using C1 or C2 (the first ten by id): %s. Nothing was changed.', used),
                      HINT = 'Move those decks to another level first.';
        END IF;
    END IF;

    -- What the drops discard, in the order of the columns
    held := NULL;
    IF pg_catalog.to_regclass('@extschema@.refresh_tokens') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.count(*) FROM @extschema@.refresh_tokens' INTO n;
        IF n OPERATOR(pg_catalog.>) 0 THEN
            held := pg_catalog.format('refresh_tokens: %s %s', n, CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'row' ELSE 'rows' END);
            total := n;
        END IF;
    END IF;
    FOREACH t IN ARRAY ARRAY['password_hash', 'email_verified_at', 'google_id', 'last_login_at', 'last_login_ip'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                    WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.users'::pg_catalog.regclass
                      AND attname OPERATOR(pg_catalog.=) t::pg_catalog.name AND NOT attisdropped) THEN
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(%I) FROM @extschema@.users', t) INTO n;
            IF n OPERATOR(pg_catalog.>) 0 THEN
                held := pg_catalog.concat_ws(', ', held,
                            pg_catalog.format('users.%s: %s %s', t, n, CASE WHEN n OPERATOR(pg_catalog.=) 1 THEN 'value' ELSE 'values' END));
                total := COALESCE(total, 0) OPERATOR(pg_catalog.+) n;
            END IF;
        END IF;
    END LOOP;
    IF held IS NOT NULL AND NOT allow THEN
        RAISE EXCEPTION 'updating flashcard_schema to 1.5 would discard % row(s) or value(s) of what 1.5 drops', total
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Revision 1.5 has no table refresh_tokens and no users.password_hash, email_verified_at, google_id, last_login_at or last_login_ip; these hold data: %s. Nothing was changed.', held),
                  HINT = 'Copy or clear that data first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss.';
    ELSIF held IS NOT NULL THEN
        RAISE WARNING 'flashcard_schema.allow_data_loss is on: discarding % row(s) or value(s) of what 1.5 drops', total
            USING DETAIL = pg_catalog.format('Discarded: %s.', held);
    END IF;
END
$$;

-- 1. users.auth0_id is supabase_id (2026-02-14): renamed in place, its values
-- kept; the unique index renamed with it (no rebuild).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.users'::pg_catalog.regclass
                  AND attname OPERATOR(pg_catalog.=) 'auth0_id'::pg_catalog.name AND NOT attisdropped) THEN
        EXECUTE 'ALTER TABLE @extschema@.users RENAME COLUMN auth0_id TO supabase_id';
    END IF;
    EXECUTE 'ALTER INDEX IF EXISTS @extschema@.ix_users_auth0_id RENAME TO ix_users_supabase_id';
    EXECUTE 'COMMENT ON COLUMN @extschema@.users.supabase_id IS ''Supabase Auth user identifier (sub claim, UUID format)''';
END
$$;

-- 2. What Supabase Auth made redundant (2026-02-15): refresh_tokens, and five
-- columns of users with google_id's index.  Dropping a column only marks it
-- dropped (no rewrite).
DO $$
BEGIN
    IF pg_catalog.to_regclass('@extschema@.refresh_tokens') IS NOT NULL THEN
        -- out of the extension first, which also takes it out of pg_dump's
        -- list (a dropped table would leave its number there)
        EXECUTE 'ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.refresh_tokens';
        EXECUTE 'DROP TABLE @extschema@.refresh_tokens';
    END IF;
    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_users_google_id';
    EXECUTE 'ALTER TABLE @extschema@.users
                 DROP COLUMN IF EXISTS password_hash,
                 DROP COLUMN IF EXISTS email_verified_at,
                 DROP COLUMN IF EXISTS google_id,
                 DROP COLUMN IF EXISTS last_login_at,
                 DROP COLUMN IF EXISTS last_login_ip';
END
$$;

-- 3. A deck's name and description in Greek, English and Russian
-- (2026-02-02): three columns each, filled from the one they replace (one
-- pass over decks, a small table), the names NOT NULL; name, description
-- and ix_decks_name go, ix_decks_name_en comes.
DO $$
DECLARE
    coordinator pg_catalog.bool := true;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    END IF;
    EXECUTE 'ALTER TABLE @extschema@.decks
                 ADD COLUMN IF NOT EXISTS name_el pg_catalog.varchar(255),
                 ADD COLUMN IF NOT EXISTS name_en pg_catalog.varchar(255),
                 ADD COLUMN IF NOT EXISTS name_ru pg_catalog.varchar(255),
                 ADD COLUMN IF NOT EXISTS description_el pg_catalog.text,
                 ADD COLUMN IF NOT EXISTS description_en pg_catalog.text,
                 ADD COLUMN IF NOT EXISTS description_ru pg_catalog.text';
    IF coordinator AND EXISTS (SELECT FROM pg_catalog.pg_attribute
                                WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.decks'::pg_catalog.regclass
                                  AND attname OPERATOR(pg_catalog.=) 'name'::pg_catalog.name AND NOT attisdropped) THEN
        EXECUTE 'UPDATE @extschema@.decks
                    SET name_el = name, name_en = name, name_ru = name,
                        description_el = description, description_en = description, description_ru = description';
    END IF;
    EXECUTE 'ALTER TABLE @extschema@.decks
                 ALTER COLUMN name_el SET NOT NULL,
                 ALTER COLUMN name_en SET NOT NULL,
                 ALTER COLUMN name_ru SET NOT NULL';
    EXECUTE 'DROP INDEX IF EXISTS @extschema@.ix_decks_name';
    EXECUTE 'ALTER TABLE @extschema@.decks
                 DROP COLUMN IF EXISTS name,
                 DROP COLUMN IF EXISTS description';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_decks_name_en ON @extschema@.decks USING btree (name_en)';
END
$$;

-- 4. decklevel without C1 and C2 (2026-03-24): PostgreSQL cannot remove an
-- enum label, so the type is renamed, created anew with A1 to B2, decks.level
-- moved over (a rewrite of decks; no row uses C1 or C2, checked above), and
-- the old type dropped.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_enum
                WHERE enumtypid OPERATOR(pg_catalog.=) '@extschema@.decklevel'::pg_catalog.regtype
                  AND enumlabel OPERATOR(pg_catalog.=) 'C1'::pg_catalog.name) THEN
        EXECUTE 'ALTER TYPE @extschema@.decklevel RENAME TO decklevel_before_1_5';
        EXECUTE 'CREATE TYPE @extschema@.decklevel AS ENUM (''A1'', ''A2'', ''B1'', ''B2'')';
        EXECUTE 'ALTER TABLE @extschema@.decks
                     ALTER COLUMN level TYPE @extschema@.decklevel
                     USING level::pg_catalog.text::@extschema@.decklevel';
        EXECUTE 'DROP TYPE @extschema@.decklevel_before_1_5';
    END IF;
END
$$;

-- 5. Row level security on every table (2026-02-25).  The application's
-- role owned its tables and so bypassed it; here the tables belong to the
-- role that installed the extension, and the application's role is the
-- database owner, granted its privileges through pg_database_owner: with no
-- policy it would see no row.  One policy per table lets the database owner
-- (and only it) keep reading and writing every row, as before; superusers
-- and the tables' owner bypass row security as ever.
DO $$
DECLARE
    t pg_catalog.text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'user_settings', 'decks', 'cards',
                             'user_deck_progress', 'card_statistics', 'reviews'] LOOP
        EXECUTE pg_catalog.format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', t);
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_policy
                        WHERE polrelid OPERATOR(pg_catalog.=) pg_catalog.format('@extschema@.%I', t)::pg_catalog.regclass
                          AND polname OPERATOR(pg_catalog.=) 'flashcard_schema_database_owner'::pg_catalog.name) THEN
            EXECUTE pg_catalog.format('CREATE POLICY flashcard_schema_database_owner ON @extschema@.%I
                                           TO pg_database_owner USING (true) WITH CHECK (true)', t);
        END IF;
    END LOOP;
END
$$;
