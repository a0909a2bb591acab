/* flashcard_schema--1.5--1.4.sql: a TEST-ONLY revision 1.5, undone (see its up script) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'" to load this file. \quit

------------------------------------------------------------------------------
-- Revision 1.5, undone
------------------------------------------------------------------------------
--
-- The tables are locked all at once or none, within the bounded wait, as
-- the update does.  What 1.4 cannot hold: a deck whose three names (or three
-- descriptions) differ, as 1.4 has one name and one description.  The
-- downgrade refuses, naming those decks, unless the session set
-- flashcard_schema.allow_data_loss, and then keeps the English ones.
-- Everything else comes back with every value: supabase_id is auth0_id
-- again, the dropped columns and refresh_tokens return empty (1.5 held
-- nothing of theirs), decklevel gets C1 and C2 back.
--
-- Columns come back in 1.4's places, as every route to 1.4 must give the
-- one catalog (sql/identity.sql): PostgreSQL adds a column only at the end,
-- so a table whose columns must go back in the middle has its later columns
-- moved after them (each added anew, filled, the old one dropped and the new
-- one renamed, with its default, NOT NULL, comment, indexes and keys): a
-- rewrite of users and decks under the lock.
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
    ids pg_catalog.text;
BEGIN
    PERFORM pg_catalog.set_config('lock_timeout', attempt, true);
    LOOP
        BEGIN
            FOREACH t IN ARRAY ARRAY['users', 'user_settings', 'decks', 'cards',
                                     'user_deck_progress', 'card_statistics', 'reviews'] LOOP
                locking := t;
                EXECUTE pg_catalog.format('LOCK TABLE @extschema@.%I IN ACCESS EXCLUSIVE MODE', t);
            END LOOP;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>=) deadline THEN
                RAISE EXCEPTION 'could not lock table % to downgrade flashcard_schema to 1.4', locking
                    USING ERRCODE = 'lock_not_available',
                          DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                     bound),
                          HINT = 'Retry the downgrade when the long-running transaction has finished, or raise lock_timeout for this session.';
            END IF;
        END;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

    EXECUTE 'LOAD ''MODULE_PATHNAME''';
    allow := pg_catalog.current_setting('flashcard_schema.allow_data_loss')
             OPERATOR(pg_catalog.=) 'on'::pg_catalog.text;
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    END IF;
    IF NOT coordinator OR NOT EXISTS (SELECT FROM pg_catalog.pg_attribute
                                       WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.decks'::pg_catalog.regclass
                                         AND attname OPERATOR(pg_catalog.=) 'name_en'::pg_catalog.name AND NOT attisdropped) THEN
        RETURN;
    END IF;
    EXECUTE 'SELECT pg_catalog.count(*),
                    pg_catalog.string_agg(d.id::pg_catalog.text, '', '' ORDER BY d.id)
                      FILTER (WHERE d.n OPERATOR(pg_catalog.<=) 10)
               FROM (SELECT id, pg_catalog.row_number() OVER (ORDER BY id) AS n
                       FROM @extschema@.decks
                      WHERE name_el OPERATOR(pg_catalog.<>) name_en OR name_ru OPERATOR(pg_catalog.<>) name_en
                         OR NOT COALESCE(description_el OPERATOR(pg_catalog.=) description_en,
                                         description_el IS NULL AND description_en IS NULL)
                         OR NOT COALESCE(description_ru OPERATOR(pg_catalog.=) description_en,
                                         description_ru IS NULL AND description_en IS NULL)) d'
       INTO n, ids;
    IF n OPERATOR(pg_catalog.>) 0 AND NOT allow THEN
        RAISE EXCEPTION 'downgrading flashcard_schema to 1.4 would discard the Greek or Russian name or description of % deck(s)', n
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Revision 1.4 has one name and one description per deck; these decks'' translations differ (the first ten by id): %s. Nothing was changed.', ids),
                  HINT = 'Make each deck''s three names and descriptions equal first, or run SET flashcard_schema.allow_data_loss = on in this session to keep the English ones.';
    ELSIF n OPERATOR(pg_catalog.>) 0 THEN
        RAISE WARNING 'flashcard_schema.allow_data_loss is on: keeping the English name and description of % deck(s), discarding their Greek and Russian ones', n
            USING DETAIL = pg_catalog.format('Decks (the first ten by id): %s.', ids);
    END IF;
END
$$;

-- 5. Row level security off, its policies gone
DO $$
DECLARE
    t pg_catalog.text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'user_settings', 'decks', 'cards',
                             'user_deck_progress', 'card_statistics', 'reviews'] LOOP
        EXECUTE pg_catalog.format('DROP POLICY IF EXISTS flashcard_schema_database_owner ON @extschema@.%I', t);
        EXECUTE pg_catalog.format('ALTER TABLE @extschema@.%I DISABLE ROW LEVEL SECURITY', t);
    END LOOP;
END
$$;

-- 4. decklevel with C1 and C2 again, appended after B2 as 1.2 added them
-- (catalog only; the labels are not used in this transaction, which
-- PostgreSQL would not allow before it commits)
DO $$
BEGIN
    EXECUTE 'ALTER TYPE @extschema@.decklevel ADD VALUE IF NOT EXISTS ''C1''';
    EXECUTE 'ALTER TYPE @extschema@.decklevel ADD VALUE IF NOT EXISTS ''C2''';
END
$$;

-- 1. supabase_id is auth0_id again, with its index and comment
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                WHERE attrelid OPERATOR(pg_catalog.=) '@extschema@.users'::pg_catalog.regclass
                  AND attname OPERATOR(pg_catalog.=) 'supabase_id'::pg_catalog.name AND NOT attisdropped) THEN
        EXECUTE 'ALTER TABLE @extschema@.users RENAME COLUMN supabase_id TO auth0_id';
    END IF;
    EXECUTE 'ALTER INDEX IF EXISTS @extschema@.ix_users_supabase_id RENAME TO ix_users_auth0_id';
    EXECUTE 'COMMENT ON COLUMN @extschema@.users.auth0_id IS ''Auth0 user identifier (sub claim)''';
END
$$;

-- 2 and 3. users and decks with 1.4's columns in 1.4's order.  For each
-- table: 1.4's columns in order, each with its type, NOT NULL, default,
-- comment, and what fills it (the column of the same name, another
-- expression, or nothing: a column that returns empty).  From the first
-- place where the live columns differ, every column is added anew at the
-- end and filled (on the Citus coordinator only), the old ones dropped (with
-- what 1.4 does not have: the six translations and their index), the new
-- ones renamed and given their default, NOT NULL and comment, and the
-- indexes and keys that used a moved column are created again as they
-- were.  Idempotent: a table already in 1.4's order (a Citus worker's copy
-- that the coordinator's DDL reached) is left alone.
DO $$
DECLARE
    coordinator pg_catalog.bool := true;
    target pg_catalog.text;
    rel pg_catalog.regclass;
    live pg_catalog.name[];
    k pg_catalog.int4;
    c record;
    adds pg_catalog.text[];
    sets pg_catalog.text[];
    drops pg_catalog.text[];
    defs pg_catalog.text[];
    stmt pg_catalog.text;
    spec pg_catalog.jsonb;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NOT NULL THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    END IF;
    SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(v)) INTO spec FROM (VALUES
        ('users', 1, 'id', 'pg_catalog.uuid', true, 'pg_catalog.gen_random_uuid()', NULL, 'id'),
        ('users', 2, 'email', 'pg_catalog.varchar(255)', true, NULL, NULL, 'email'),
        ('users', 3, 'password_hash', 'pg_catalog.varchar(255)', false, NULL, NULL, NULL),
        ('users', 4, 'full_name', 'pg_catalog.varchar(255)', false, NULL, NULL, 'full_name'),
        ('users', 5, 'is_active', 'pg_catalog.bool', true, 'true', NULL, 'is_active'),
        ('users', 6, 'is_superuser', 'pg_catalog.bool', true, 'false', NULL, 'is_superuser'),
        ('users', 7, 'email_verified_at', 'pg_catalog.timestamptz', false, NULL, NULL, NULL),
        ('users', 8, 'google_id', 'pg_catalog.varchar(255)', false, NULL, NULL, NULL),
        ('users', 9, 'created_at', 'pg_catalog.timestamptz', true, 'pg_catalog.now()', 'Timestamp when record was created', 'created_at'),
        ('users', 10, 'updated_at', 'pg_catalog.timestamptz', true, 'pg_catalog.now()', 'Timestamp when record was last updated', 'updated_at'),
        ('users', 11, 'last_login_at', 'pg_catalog.timestamptz', false, NULL, 'Timestamp of last successful login', NULL),
        ('users', 12, 'last_login_ip', 'pg_catalog.varchar(45)', false, NULL, 'IP address of last successful login', NULL),
        ('users', 13, 'auth0_id', 'pg_catalog.varchar(255)', false, NULL, 'Auth0 user identifier (sub claim)', 'auth0_id'),
        ('users', 14, 'avatar_url', 'pg_catalog.varchar(500)', false, NULL, 'S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)', 'avatar_url'),
        ('decks', 1, 'id', 'pg_catalog.uuid', true, 'pg_catalog.gen_random_uuid()', NULL, 'id'),
        ('decks', 2, 'name', 'pg_catalog.varchar(255)', true, NULL, NULL, 'name_en'),
        ('decks', 3, 'description', 'pg_catalog.text', false, NULL, NULL, 'description_en'),
        ('decks', 4, 'level', '@extschema@.decklevel', true, NULL, NULL, 'level'),
        ('decks', 5, 'is_active', 'pg_catalog.bool', true, 'true', NULL, 'is_active'),
        ('decks', 6, 'created_at', 'pg_catalog.timestamptz', true, 'pg_catalog.now()', 'Timestamp when record was created', 'created_at'),
        ('decks', 7, 'updated_at', 'pg_catalog.timestamptz', true, 'pg_catalog.now()', 'Timestamp when record was last updated', 'updated_at'),
        ('decks', 8, 'is_premium', 'pg_catalog.bool', true, 'false', 'Premium decks require a subscription to access', 'is_premium'),
        ('decks', 9, 'owner_id', 'pg_catalog.uuid', false, NULL, 'Owner user ID (NULL for system decks, UUID for user-created decks)', 'owner_id')
    ) v(tbl, pos, name, typ, nn, dflt, cmt, fill);

    FOREACH target IN ARRAY ARRAY['users', 'decks'] LOOP
        rel := pg_catalog.format('@extschema@.%I', target)::pg_catalog.regclass;
        SELECT pg_catalog.array_agg(attname ORDER BY attnum) INTO live
          FROM pg_catalog.pg_attribute
         WHERE attrelid OPERATOR(pg_catalog.=) rel AND attnum OPERATOR(pg_catalog.>) 0 AND NOT attisdropped;
        SELECT pg_catalog.min(s.pos) INTO k
          FROM pg_catalog.jsonb_to_recordset(spec)
                 AS s(tbl pg_catalog.text, pos pg_catalog.int4, name pg_catalog.text, typ pg_catalog.text,
                      nn pg_catalog.bool, dflt pg_catalog.text, cmt pg_catalog.text, fill pg_catalog.text)
         WHERE s.tbl OPERATOR(pg_catalog.=) target
           AND NOT COALESCE(s.name::pg_catalog.name OPERATOR(pg_catalog.=) live[s.pos], false);
        IF k IS NULL AND pg_catalog.cardinality(live) OPERATOR(pg_catalog.=)
               (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_to_recordset(spec)
                 AS s(tbl pg_catalog.text, pos pg_catalog.int4, name pg_catalog.text, typ pg_catalog.text,
                      nn pg_catalog.bool, dflt pg_catalog.text, cmt pg_catalog.text, fill pg_catalog.text) WHERE s.tbl OPERATOR(pg_catalog.=) target) THEN
            CONTINUE;
        END IF;
        k := COALESCE(k, 1 OPERATOR(pg_catalog.+) pg_catalog.cardinality(live));

        -- the indexes and keys that use a column that moves, as they are
        SELECT pg_catalog.array_agg(def ORDER BY ord, def) INTO defs
          FROM (SELECT DISTINCT 1 AS ord, pg_catalog.pg_get_indexdef(x.indexrelid) AS def
                  FROM pg_catalog.pg_index x
                  JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) x.indrelid
                   AND a.attnum OPERATOR(pg_catalog.=) ANY (x.indkey::pg_catalog.int2[])
                 WHERE x.indrelid OPERATOR(pg_catalog.=) rel
                   AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k2
                                    WHERE k2.conindid OPERATOR(pg_catalog.=) x.indexrelid
                                      AND k2.conrelid OPERATOR(pg_catalog.=) rel)
                   AND a.attname::pg_catalog.text OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT s.name FROM pg_catalog.jsonb_to_recordset(spec)
                 AS s(tbl pg_catalog.text, pos pg_catalog.int4, name pg_catalog.text, typ pg_catalog.text,
                      nn pg_catalog.bool, dflt pg_catalog.text, cmt pg_catalog.text, fill pg_catalog.text)
                                                       WHERE s.tbl OPERATOR(pg_catalog.=) target AND s.pos OPERATOR(pg_catalog.>=) k))
                UNION
                SELECT DISTINCT 2, pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', k2.conrelid::pg_catalog.regclass,
                                                     k2.conname, pg_catalog.pg_get_constraintdef(k2.oid))
                  FROM pg_catalog.pg_constraint k2
                  JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rel
                   AND ((k2.conrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.=) ANY (k2.conkey))
                        OR (k2.confrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.=) ANY (k2.confkey)))
                 WHERE k2.contype OPERATOR(pg_catalog.<>) 'n'::pg_catalog."char"
                   AND a.attname::pg_catalog.text OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT s.name FROM pg_catalog.jsonb_to_recordset(spec)
                 AS s(tbl pg_catalog.text, pos pg_catalog.int4, name pg_catalog.text, typ pg_catalog.text,
                      nn pg_catalog.bool, dflt pg_catalog.text, cmt pg_catalog.text, fill pg_catalog.text)
                                                       WHERE s.tbl OPERATOR(pg_catalog.=) target AND s.pos OPERATOR(pg_catalog.>=) k))) d;

        adds := ARRAY[]::pg_catalog.text[];
        sets := ARRAY[]::pg_catalog.text[];
        drops := ARRAY[]::pg_catalog.text[];
        FOR c IN SELECT * FROM pg_catalog.jsonb_to_recordset(spec)
                 AS s(tbl pg_catalog.text, pos pg_catalog.int4, name pg_catalog.text, typ pg_catalog.text,
                      nn pg_catalog.bool, dflt pg_catalog.text, cmt pg_catalog.text, fill pg_catalog.text)
                  WHERE s.tbl OPERATOR(pg_catalog.=) target AND s.pos OPERATOR(pg_catalog.>=) k ORDER BY s.pos LOOP
            adds := adds OPERATOR(pg_catalog.||) pg_catalog.format('ADD COLUMN %I %s', c.name OPERATOR(pg_catalog.||) '__1_4', c.typ);
            IF c.fill IS NOT NULL AND c.fill::pg_catalog.name OPERATOR(pg_catalog.=) ANY (live) THEN
                sets := sets OPERATOR(pg_catalog.||) pg_catalog.format('%I = %I', c.name OPERATOR(pg_catalog.||) '__1_4', c.fill);
            END IF;
        END LOOP;
        -- every live column from k on goes: moved ones come back, the rest is not 1.4's
        FOR i IN k .. pg_catalog.cardinality(live) LOOP
            drops := drops OPERATOR(pg_catalog.||) pg_catalog.format('DROP COLUMN %I', live[i]);
        END LOOP;

        EXECUTE pg_catalog.format('ALTER TABLE %s %s', rel, pg_catalog.array_to_string(adds, ', '));
        IF coordinator AND pg_catalog.cardinality(sets) OPERATOR(pg_catalog.>) 0 THEN
            EXECUTE pg_catalog.format('UPDATE %s SET %s', rel, pg_catalog.array_to_string(sets, ', '));
        END IF;
        IF pg_catalog.cardinality(drops) OPERATOR(pg_catalog.>) 0 THEN
            EXECUTE pg_catalog.format('ALTER TABLE %s %s', rel, pg_catalog.array_to_string(drops, ', '));
        END IF;
        FOR c IN SELECT * FROM pg_catalog.jsonb_to_recordset(spec)
                 AS s(tbl pg_catalog.text, pos pg_catalog.int4, name pg_catalog.text, typ pg_catalog.text,
                      nn pg_catalog.bool, dflt pg_catalog.text, cmt pg_catalog.text, fill pg_catalog.text)
                  WHERE s.tbl OPERATOR(pg_catalog.=) target AND s.pos OPERATOR(pg_catalog.>=) k ORDER BY s.pos LOOP
            EXECUTE pg_catalog.format('ALTER TABLE %s RENAME COLUMN %I TO %I', rel, c.name OPERATOR(pg_catalog.||) '__1_4', c.name);
            IF c.dflt IS NOT NULL THEN
                EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', rel, c.name, c.dflt);
            END IF;
            IF c.nn THEN
                EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET NOT NULL', rel, c.name);
            END IF;
            IF c.cmt IS NOT NULL THEN
                EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', rel, c.name, c.cmt);
            END IF;
        END LOOP;
        FOREACH stmt IN ARRAY COALESCE(defs, ARRAY[]::pg_catalog.text[]) LOOP
            EXECUTE stmt;
        END LOOP;
    END LOOP;
END
$$;

-- users' google_id index, and decks' name index, as 1.4 has them
DO $$
BEGIN
    EXECUTE 'CREATE UNIQUE INDEX IF NOT EXISTS ix_users_google_id ON @extschema@.users USING btree (google_id)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_decks_name ON @extschema@.decks USING btree (name)';
END
$$;

-- refresh_tokens again, empty, as 1.4 has it: its keys, indexes, comments,
-- the database owner's privileges and its pg_dump registration
DO $$
BEGIN
    EXECUTE 'CREATE TABLE IF NOT EXISTS @extschema@.refresh_tokens (
                 id         pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
                 user_id    pg_catalog.uuid NOT NULL,
                 token      pg_catalog.varchar(500) NOT NULL,
                 expires_at pg_catalog.timestamptz NOT NULL,
                 created_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
                 updated_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
                 CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
                 CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id)
                     REFERENCES @extschema@.users (id) ON DELETE CASCADE)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_refresh_tokens_user_id ON @extschema@.refresh_tokens USING btree (user_id)';
    EXECUTE 'CREATE UNIQUE INDEX IF NOT EXISTS ix_refresh_tokens_token ON @extschema@.refresh_tokens USING btree (token)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS ix_refresh_tokens_expires_at ON @extschema@.refresh_tokens USING btree (expires_at)';
    EXECUTE 'COMMENT ON COLUMN @extschema@.refresh_tokens.created_at IS ''Timestamp when record was created''';
    EXECUTE 'COMMENT ON COLUMN @extschema@.refresh_tokens.updated_at IS ''Timestamp when record was last updated''';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLE @extschema@.refresh_tokens TO pg_database_owner';
    PERFORM pg_catalog.pg_extension_config_dump('@extschema@.refresh_tokens', '');
END
$$;
