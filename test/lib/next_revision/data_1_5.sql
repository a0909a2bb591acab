-- test/pgtap/data_1_5.sql: 1.4 <-> 1.5 with data, and the application's role
-- under row level security (a TEST-ONLY revision: test/bin/next_revision.sh).
--
-- A database owned by the application's role (not the tables' owner), at
-- 1.4 with the fixture and every 1.4 column filled, goes to 1.5 and back:
--   * a deck at C1 makes the update refuse (55000, naming the deck), and an
--     application-owned column of type decklevel makes it refuse before any
--     script runs (src/blockers.c), both changing nothing;
--   * the drops refuse while refresh_tokens has rows or the five users
--     columns hold values (55000, each one counted), and honour
--     allow_data_loss;
--   * the rename keeps every auth0_id as supabase_id and back, the split
--     copies every name and description into its three columns and back;
--     every other value of users and decks is kept both ways;
--   * a deck whose translations differ makes the downgrade refuse (55000,
--     naming it) unless allow_data_loss, which keeps the English ones;
--   * at 1.5 the application's role reads and writes every table through
--     the policies; a role granted SELECT without them sees no row;
--   * verify() is clean at 1.5 and at 1.4 again, and verify('1.4') at 1.5
--     is not (the comparison can fail).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS home_db \gset
DROP DATABASE IF EXISTS flashcard_schema_test_1_5 WITH (FORCE);
DROP ROLE IF EXISTS flashcard_data_1_5_app;
DROP ROLE IF EXISTS flashcard_data_1_5_reader;
CREATE ROLE flashcard_data_1_5_app NOLOGIN;
CREATE ROLE flashcard_data_1_5_reader NOLOGIN;
CREATE DATABASE flashcard_schema_test_1_5 OWNER flashcard_data_1_5_app
    TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c flashcard_schema_test_1_5
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
\ir ../lib/data_helpers.psql
SET statement_timeout = '60s';

SELECT no_plan();  -- finish() prints the plan: the count of what ran

CREATE EXTENSION flashcard_schema VERSION '1.0';
\ir ../lib/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE TO '1.4';
UPDATE users SET auth0_id = 'auth0|' || email, avatar_url = 'avatars/' || id || '.jpg',
                 last_login_at = created_at, last_login_ip = '192.0.2.1';
UPDATE decks SET is_premium = (name > 'Σ');
CREATE TEMP TABLE users14 AS SELECT * FROM users;
CREATE TEMP TABLE decks14 AS SELECT id, name, description, level::text AS level, is_active, created_at,
                                    updated_at, is_premium, owner_id FROM decks;
CREATE TEMP TABLE others14 AS
SELECT 'user_settings' AS tbl, pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) AS digest FROM user_settings t
UNION ALL SELECT 'cards', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM cards t
UNION ALL SELECT 'user_deck_progress', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM user_deck_progress t
UNION ALL SELECT 'card_statistics', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM card_statistics t
UNION ALL SELECT 'reviews', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM reviews t;
CREATE VIEW pg_temp.others AS
SELECT 'user_settings' AS tbl, pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) AS digest FROM user_settings t
UNION ALL SELECT 'cards', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM cards t
UNION ALL SELECT 'user_deck_progress', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM user_deck_progress t
UNION ALL SELECT 'card_statistics', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM card_statistics t
UNION ALL SELECT 'reviews', pg_catalog.md5(pg_catalog.string_agg(t::text, ',' ORDER BY t.id)) FROM reviews t;
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'at 1.4 with every column filled: verify() is clean');

------------------------------------------------------------------------------
-- 1.4 -> 1.5: what it refuses
------------------------------------------------------------------------------
UPDATE decks SET level = 'C1' WHERE id = 'd0000000-0000-4000-8000-000000000004';
SELECT results_eq(
    $$SELECT * FROM pg_temp.error_of('ALTER EXTENSION flashcard_schema UPDATE TO ''1.5''')$$,
    $$VALUES ('55000', 'updating flashcard_schema to 1.5 would remove labels C1 and C2 of type decklevel, which 1 row(s) of decks.level use',
              'Revision 1.5''s decklevel has A1, A2, B1 and B2 only. Decks using C1 or C2 (the first ten by id): d0000000-0000-4000-8000-000000000004. Nothing was changed.',
              'Move those decks to another level first.')$$,
    'a deck at C1: 1.4 -> 1.5 refuses, naming it (even with allow_data_loss unset or set)');
UPDATE decks SET level = d.level::decklevel FROM decks14 d WHERE d.id = decks.id;

CREATE TABLE app_levels (id int PRIMARY KEY, level decklevel);
ALTER TABLE app_levels OWNER TO flashcard_data_1_5_app;
SELECT results_eq(
    $$SELECT state, message FROM pg_temp.error_of('ALTER EXTENSION flashcard_schema UPDATE TO ''1.5''')$$,
    $$VALUES ('2BP01', 'cannot update flashcard_schema to 1.5 while table column "public.app_levels.level" depends on type "public.decklevel"')$$,
    'an application-owned column of type decklevel: 1.4 -> 1.5 refuses before any script runs, naming it');
DROP TABLE app_levels;

SELECT results_eq(
    $$SELECT * FROM pg_temp.error_of('ALTER EXTENSION flashcard_schema UPDATE TO ''1.5''')$$,
    $$VALUES ('55000', 'updating flashcard_schema to 1.5 would discard 17 row(s) or value(s) of what 1.5 drops',
              'Revision 1.5 has no table refresh_tokens and no users.password_hash, email_verified_at, google_id, last_login_at or last_login_ip; these hold data: refresh_tokens: 4 rows, users.password_hash: 2 values, users.email_verified_at: 2 values, users.google_id: 1 value, users.last_login_at: 4 values, users.last_login_ip: 4 values. Nothing was changed.',
              'Copy or clear that data first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss.')$$,
    'data in what 1.5 drops: 1.4 -> 1.5 refuses, counting each');
SELECT is(pg_temp.extversion(), '1.4', 'after the refusals: still 1.4');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'after the refusals: verify() is clean at 1.4');

------------------------------------------------------------------------------
-- 1.4 -> 1.5 with allow_data_loss
------------------------------------------------------------------------------
SET flashcard_schema.allow_data_loss = on;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.5'$$, '1.4 -> 1.5 with allow_data_loss');
RESET flashcard_schema.allow_data_loss;
SELECT is(pg_temp.extversion(), '1.5', 'at 1.5');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint, 'at 1.5: verify() is clean');
SELECT cmp_ok((SELECT count(*) FROM flashcard_schema_verify('1.4') WHERE NOT ok), '>', 0::bigint,
    'at 1.5: verify(''1.4'') is not (a control)');
SELECT results_eq(
    $$SELECT id, email, full_name, is_active, is_superuser, created_at, updated_at, supabase_id, avatar_url FROM users ORDER BY id$$,
    $$SELECT id, email, full_name, is_active, is_superuser, created_at, updated_at, auth0_id, avatar_url FROM users14 ORDER BY id$$,
    'at 1.5: every user kept, auth0_id as supabase_id');
SELECT results_eq(
    $$SELECT id, name_el, name_en, name_ru, description_el, description_en, description_ru, level::text,
             is_active, created_at, updated_at, is_premium, owner_id FROM decks ORDER BY id$$,
    $$SELECT id, name, name, name, description, description, description, level,
             is_active, created_at, updated_at, is_premium, owner_id FROM decks14 ORDER BY id$$,
    'at 1.5: every deck kept, its name and description in each of the three columns');
SELECT results_eq($$SELECT * FROM pg_temp.others ORDER BY tbl$$, $$SELECT * FROM others14 ORDER BY tbl$$,
    'at 1.5: the five other tables unchanged');
SELECT is(to_regclass('refresh_tokens'), NULL, 'at 1.5: refresh_tokens is gone');
SELECT is(enum_range(NULL::decklevel)::text, '{A1,A2,B1,B2}', 'at 1.5: decklevel has A1 to B2');

------------------------------------------------------------------------------
-- Row level security: the application's role, the database owner, not the tables' owner
------------------------------------------------------------------------------
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_extension e ON e.extnamespace = c.relnamespace
            WHERE e.extname = 'flashcard_schema' AND c.relkind = 'r' AND c.relrowsecurity
              AND c.relowner <> 'flashcard_data_1_5_app'::regrole), 7::bigint,
    'at 1.5: row level security on all seven tables, none owned by the application''s role');
GRANT SELECT ON users, decks TO flashcard_data_1_5_reader;
SET ROLE flashcard_data_1_5_reader;
SELECT is((SELECT count(*) FROM users) + (SELECT count(*) FROM decks), 0::bigint,
    'a role granted SELECT but not under a policy sees no row (a control)');
RESET ROLE;
REVOKE SELECT ON users, decks FROM flashcard_data_1_5_reader;
SET ROLE flashcard_data_1_5_app;
SELECT is((SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM user_settings) || ' '
          || (SELECT count(*) FROM decks) || ' ' || (SELECT count(*) FROM cards) || ' '
          || (SELECT count(*) FROM user_deck_progress) || ' ' || (SELECT count(*) FROM card_statistics) || ' '
          || (SELECT count(*) FROM reviews), '4 3 4 6 4 5 6',
    'the application''s role sees every row of every table');
SELECT lives_ok($$
    INSERT INTO users (id, email, supabase_id) VALUES ('a0000000-0000-4000-8000-0000000000ff', 'new@example.com', 'sb|new');
    INSERT INTO decks (id, level, name_el, name_en, name_ru) VALUES ('d0000000-0000-4000-8000-0000000000ff', 'A1', 'Νέα', 'New', 'Новая');
    UPDATE decks SET description_en = 'changed' WHERE id = 'd0000000-0000-4000-8000-0000000000ff';
    DELETE FROM decks WHERE id = 'd0000000-0000-4000-8000-0000000000ff';
    DELETE FROM users WHERE id = 'a0000000-0000-4000-8000-0000000000ff'$$,
    'the application''s role inserts, updates and deletes');
RESET ROLE;

------------------------------------------------------------------------------
-- 1.5 -> 1.4
------------------------------------------------------------------------------
UPDATE decks SET name_el = 'Βασικές', description_ru = 'Основы' WHERE id = 'd0000000-0000-4000-8000-000000000001';
SELECT results_eq(
    $$SELECT * FROM pg_temp.error_of('ALTER EXTENSION flashcard_schema UPDATE TO ''1.4''')$$,
    $$VALUES ('55000', 'downgrading flashcard_schema to 1.4 would discard the Greek or Russian name or description of 1 deck(s)',
              'Revision 1.4 has one name and one description per deck; these decks'' translations differ (the first ten by id): d0000000-0000-4000-8000-000000000001. Nothing was changed.',
              'Make each deck''s three names and descriptions equal first, or run SET flashcard_schema.allow_data_loss = on in this session to keep the English ones.')$$,
    'a deck whose translations differ: 1.5 -> 1.4 refuses, naming it');
SELECT is(pg_temp.extversion(), '1.5', 'after the refusal: still 1.5');
UPDATE decks SET name_el = name_en, description_ru = description_en;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$,
    '1.5 -> 1.4 with the translations equal: no allow_data_loss needed');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint, 'at 1.4 again: verify() is clean');
SELECT results_eq(
    $$SELECT id, email, full_name, is_active, is_superuser, created_at, updated_at, auth0_id, avatar_url FROM users ORDER BY id$$,
    $$SELECT id, email, full_name, is_active, is_superuser, created_at, updated_at, auth0_id, avatar_url FROM users14 ORDER BY id$$,
    'at 1.4 again: every user kept, supabase_id as auth0_id');
SELECT is((SELECT count(*) FROM users WHERE num_nonnulls(password_hash, email_verified_at, google_id, last_login_at, last_login_ip) > 0),
    0::bigint, 'at 1.4 again: the five dropped columns are back, empty');
SELECT results_eq(
    $$SELECT id, name, description, level::text, is_active, created_at, updated_at, is_premium, owner_id FROM decks ORDER BY id$$,
    $$SELECT * FROM decks14 ORDER BY id$$,
    'at 1.4 again: every deck as it was, name and description from the English ones');
SELECT results_eq($$SELECT * FROM pg_temp.others ORDER BY tbl$$, $$SELECT * FROM others14 ORDER BY tbl$$,
    'at 1.4 again: the five other tables unchanged');
SELECT is((SELECT count(*) FROM refresh_tokens), 0::bigint, 'at 1.4 again: refresh_tokens is back, empty');

-- the English ones win with allow_data_loss
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.5'$$,
    '1.4 -> 1.5 again with nothing at stake: no allow_data_loss needed');
UPDATE decks SET name_ru = 'Основы', description_el = NULL WHERE id = 'd0000000-0000-4000-8000-000000000001';
SET flashcard_schema.allow_data_loss = on;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.4'$$, '1.5 -> 1.4 with allow_data_loss');
RESET flashcard_schema.allow_data_loss;
SELECT results_eq(
    $$SELECT id, name, description, level::text, is_active, created_at, updated_at, is_premium, owner_id FROM decks ORDER BY id$$,
    $$SELECT * FROM decks14 ORDER BY id$$,
    'with allow_data_loss: the English name and description kept');
SET flashcard_schema.allow_data_loss = on;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.0'$$, '1.4 -> 1.0 with allow_data_loss (1.4''s columns hold data)');
RESET flashcard_schema.allow_data_loss;
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.5'$$, '1.0 -> 1.5 in one statement');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok), 0::bigint,
    'after 1.0 -> 1.5: verify() is clean');

SELECT * FROM finish();
\c :home_db
DROP DATABASE flashcard_schema_test_1_5 WITH (FORCE);
DROP ROLE flashcard_data_1_5_app;
DROP ROLE flashcard_data_1_5_reader;
