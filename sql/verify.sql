--
-- verify: the revision, status, verify() and assert() functions, drift as
-- verify() and assert() report it, and bad input.
--
\set SHOW_CONTEXT never
SET client_min_messages = warning;
-- Privileges name the installing role; spell it postgres whoever runs the
-- suite (pg_virtualenv's superuser is the user running it, unless root).
-- From PostgreSQL 17 a table's owner also holds MAINTAIN (the letter m,
-- after t): shown as 15 and 16 show it, so that one expected file serves
-- every server version.
CREATE FUNCTION pg_temp.as_postgres(t text) RETURNS text LANGUAGE sql AS $$
    SELECT replace(regexp_replace(regexp_replace(t, '(^|[ ,])' || current_user || '=', '\1postgres=', 'g'),
                                  '/' || current_user || '(,|$)', '/postgres\1', 'g'),
                   '=arwdDxtm/', '=arwdDxt/')
$$;

-- a database still at 1.0 served by the current library: reported plainly
CREATE EXTENSION flashcard_schema VERSION '1.0';
SELECT flashcard_schema_revision();
SELECT * FROM flashcard_schema_status();
SELECT object_type, count(*) AS checks, count(*) FILTER (WHERE ok) AS passed
FROM flashcard_schema_verify() GROUP BY object_type ORDER BY object_type;
SELECT flashcard_schema_assert();
-- checked against 1.2 instead, the missing revisions show
SELECT object_type, object_name, check_name, expected, actual
FROM flashcard_schema_verify('1.2') WHERE NOT ok;
ALTER EXTENSION flashcard_schema UPDATE;
SELECT * FROM flashcard_schema_status();
-- and 1.2 checked against 1.0 shows what 1.0 does not have
SELECT object_type, object_name, check_name, pg_temp.as_postgres(expected) AS expected,
       pg_temp.as_postgres(actual) AS actual
FROM flashcard_schema_verify('1.0') WHERE NOT ok;
-- NULL means the installed version
SELECT count(*) FROM flashcard_schema_verify(NULL) WHERE ok;

-- bad input: SQLSTATE 22023 with the known versions in the hint
SELECT * FROM flashcard_schema_verify('');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flashcard_schema_verify('9.9');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flashcard_schema_verify('1.x');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flashcard_schema_verify(' 1.2');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flashcard_schema_verify(repeat('9', 1000000));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flashcard_schema_verify(repeat('Ω', 100));
\echo :LAST_ERROR_SQLSTATE

-- drift: each change is caught by verify(), in psql's words
BEGIN;
DROP INDEX ix_cards_deck_id;
CREATE INDEX ix_reviews_reviewed_at_2 ON reviews (reviewed_at DESC);
DROP INDEX ix_users_email;
CREATE INDEX ix_users_email ON users (email);
DROP INDEX ix_decks_name;
CREATE INDEX ix_decks_name ON decks USING hash (name);
DROP INDEX ix_refresh_tokens_expires_at;
CREATE INDEX ix_refresh_tokens_expires_at ON refresh_tokens (expires_at DESC);
ALTER TABLE users ALTER COLUMN full_name TYPE varchar(300);
ALTER TABLE cards ALTER COLUMN pronunciation TYPE text;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE user_settings ALTER COLUMN daily_goal SET DEFAULT 10;
ALTER TABLE reviews ALTER COLUMN reviewed_at DROP DEFAULT;
ALTER TYPE cardstatus RENAME VALUE 'MASTERED' TO 'DONE';
ALTER TABLE reviews DROP CONSTRAINT reviews_card_id_fkey;
ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_user_id_fkey,
    ADD CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck;
ALTER TABLE decks ADD COLUMN color text;
ALTER TABLE cards RENAME COLUMN back_text TO english_text;
ALTER TABLE card_statistics ADD CONSTRAINT easiness_positive CHECK (easiness_factor > 0);
COMMENT ON COLUMN users.created_at IS 'created';
ALTER EXTENSION flashcard_schema DROP TABLE user_settings;
SELECT object_type, object_name, check_name, pg_temp.as_postgres(expected) AS expected,
       pg_temp.as_postgres(actual) AS actual
FROM flashcard_schema_verify() WHERE NOT ok;
-- assert() raises one error listing them all
SELECT flashcard_schema_assert();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- drift that only the whole definition shows, and objects added to the extension
BEGIN;
DROP INDEX ix_decks_name;
CREATE INDEX ix_decks_name ON decks (name varchar_pattern_ops);
DROP INDEX ix_cards_difficulty;
CREATE INDEX ix_cards_difficulty ON cards (difficulty) WHERE difficulty <> 'EASY';
ALTER TABLE decks ALTER COLUMN description TYPE text COLLATE "C";
ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck,
    ADD CONSTRAINT uq_user_deck UNIQUE (user_id, deck_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE reviews DROP CONSTRAINT reviews_user_id_fkey,
    ADD CONSTRAINT reviews_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE CASCADE ON UPDATE SET NULL NOT VALID;
ALTER TABLE decks ADD CONSTRAINT uq_deck_name UNIQUE (name);
CREATE TABLE audit_log (id bigint);
-- from 1.4 the guard refuses new members unless the session allows data loss
SET LOCAL flashcard_schema.allow_data_loss = on;
ALTER EXTENSION flashcard_schema ADD TABLE audit_log;
UPDATE pg_extension SET extcondition[1] = 'WHERE is_active'
WHERE extname = 'flashcard_schema';
CREATE FUNCTION public.flashcard_backdoor() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER EXTENSION flashcard_schema ADD FUNCTION public.flashcard_backdoor();
-- an extra unique index that a foreign key references is still reported
CREATE UNIQUE INDEX ux_cards_front_text ON cards (front_text);
ALTER TABLE cards ADD COLUMN translation_of text REFERENCES cards (front_text);
SELECT object_type, object_name, check_name, expected, actual
FROM flashcard_schema_verify() WHERE NOT ok;
ROLLBACK;

-- drift that changes what the data does rather than its shape
BEGIN;
ALTER TABLE refresh_tokens SET UNLOGGED;
ALTER TABLE cards DISABLE TRIGGER ALL;
CREATE FUNCTION public.keep_rows() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
CREATE TRIGGER keep_decks BEFORE DELETE ON decks FOR EACH ROW EXECUTE FUNCTION public.keep_rows();
CREATE RULE keep_users AS ON DELETE TO users DO INSTEAD NOTHING;
ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY timed ON reviews USING (time_taken > 0);
CREATE TABLE public.cards_archive () INHERITS (cards);
GRANT SELECT ON user_settings TO PUBLIC;
ALTER EXTENSION flashcard_schema DROP FUNCTION flashcard_schema_assert();
ALTER FUNCTION flashcard_schema_revision() SECURITY DEFINER;
ALTER TABLE decks ADD CONSTRAINT decks_name_ci EXCLUDE USING btree ((lower(name)) WITH =);
CREATE INDEX ix_users_email_ci ON users (lower(email));
SELECT object_type, object_name, check_name, pg_temp.as_postgres(expected) AS expected,
       pg_temp.as_postgres(actual) AS actual
FROM flashcard_schema_verify() WHERE NOT ok;
ROLLBACK;

-- a temporary table named like a contract table changes nothing: the
-- functions search pg_temp last (since 1.3), so it hides nothing from them
BEGIN;
CREATE TEMP TABLE users (id int);
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();
SELECT expected, actual FROM flashcard_schema_verify()
WHERE object_name = 'reviews_user_id_fkey' AND check_name = 'definition';
ROLLBACK;

-- an enum label added is caught too (it cannot be undone in a transaction)
ALTER TYPE reviewrating ADD VALUE 'PERFECT';
SELECT object_type, object_name, check_name, expected, actual
FROM flashcard_schema_verify() WHERE NOT ok;
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema;

-- a table dropped from pg_dump's list, and a table that is gone
BEGIN;
UPDATE pg_extension SET extconfig = array_remove(extconfig, 'cards'::regclass::oid), extcondition = extcondition[2:]
WHERE extname = 'flashcard_schema';
ALTER EXTENSION flashcard_schema DROP TABLE reviews;
DROP TABLE reviews;
SELECT object_type, object_name, check_name, expected, actual
FROM flashcard_schema_verify() WHERE NOT ok;
ROLLBACK;

-- any role can call the functions
CREATE ROLE flashcard_reader;
SET ROLE flashcard_reader;
SELECT flashcard_schema_revision();
SELECT installed_version, up_to_date FROM flashcard_schema_status();
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();
SELECT flashcard_schema_assert();
RESET ROLE;
DROP ROLE flashcard_reader;

DROP EXTENSION flashcard_schema;
