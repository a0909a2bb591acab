--
-- install: CREATE EXTENSION at the default and at every version, and the
-- schema as psql shows it.
--
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE EXTENSION flashcard_schema;
SELECT extname, extversion, extnamespace::regnamespace AS schema, extrelocatable
FROM pg_extension WHERE extname = 'flashcard_schema';
SELECT flashcard_schema_revision();
SELECT * FROM flashcard_schema_status();

-- the four enum types, labels in order
SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
WHERE t.typnamespace = 'public'::regnamespace
GROUP BY t.typname ORDER BY t.typname;

-- the eight tables, as psql \d shows them
\d users
\d user_settings
\d refresh_tokens
\d decks
\d cards
\d user_deck_progress
\d card_statistics
\d reviews

-- every check passes on a fresh install, and assert() is quiet
SELECT count(*) AS checks, count(*) FILTER (WHERE ok) AS passed FROM flashcard_schema_verify();
SELECT flashcard_schema_assert();

-- every version installs directly and verifies clean
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.0';
SELECT flashcard_schema_revision(), count(*) AS checks, count(*) FILTER (WHERE ok) AS passed
FROM flashcard_schema_verify();
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.1';
SELECT flashcard_schema_revision(), count(*) AS checks, count(*) FILTER (WHERE ok) AS passed
FROM flashcard_schema_verify();
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.2';
SELECT flashcard_schema_revision(), count(*) AS checks, count(*) FILTER (WHERE ok) AS passed
FROM flashcard_schema_verify();
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.3';
SELECT flashcard_schema_revision(), count(*) AS checks, count(*) FILTER (WHERE ok) AS passed
FROM flashcard_schema_verify();
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.4';
SELECT flashcard_schema_revision(), count(*) AS checks, count(*) FILTER (WHERE ok) AS passed
FROM flashcard_schema_verify();
DROP EXTENSION flashcard_schema;

-- an unknown version is refused by the server
CREATE EXTENSION flashcard_schema VERSION '9.9';
\echo :LAST_ERROR_SQLSTATE

-- CREATE EXTENSION ... SCHEMA puts everything there; the first schema of the
-- search_path is the default
CREATE SCHEMA flashcards;
CREATE EXTENSION flashcard_schema SCHEMA flashcards;
SELECT count(*) AS tables FROM pg_tables WHERE schemaname = 'flashcards';
SELECT flashcards.flashcard_schema_revision();
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcards.flashcard_schema_verify();
DROP EXTENSION flashcard_schema;
SET search_path = flashcards, public;
CREATE EXTENSION flashcard_schema;
SELECT extnamespace::regnamespace AS schema FROM pg_extension WHERE extname = 'flashcard_schema';
DROP EXTENSION flashcard_schema;
RESET search_path;
DROP SCHEMA flashcards;

-- a hostile search_path cannot change what the scripts create: public.now()
-- shadows nothing because every name in the scripts is qualified
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT 'epoch'::timestamptz $$;
CREATE FUNCTION public.gen_random_uuid() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;
SET search_path = public, pg_catalog;
CREATE EXTENSION flashcard_schema;
SELECT pg_get_expr(adbin, adrelid) AS users_id_default
FROM pg_attrdef WHERE adrelid = 'users'::regclass AND adnum = 1;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();
INSERT INTO users (email) VALUES ('a@example.org');
SELECT id <> '00000000-0000-0000-0000-000000000000' AS real_uuid, created_at > 'epoch' AS real_now FROM users;
DELETE FROM users;  -- from 1.3 the DROP guard refuses to drop rows
DROP EXTENSION flashcard_schema;
RESET search_path;
DROP FUNCTION public.now();
DROP FUNCTION public.gen_random_uuid();

-- a fresh install (1.3 and later) runs its own script, so C1/C2 are usable in the
-- installing transaction (as a single-transaction restore needs), and a
-- review takes the integer SM-2 score the app writes
BEGIN;
CREATE EXTENSION flashcard_schema;
INSERT INTO decks (name, level) VALUES ('Προχωρημένα', 'C2');
SELECT name, level FROM decks;
INSERT INTO users (email) VALUES ('maria@example.gr');
INSERT INTO cards (deck_id, front_text, back_text) SELECT id, 'ευχαριστώ', 'thank you' FROM decks;
INSERT INTO reviews (user_id, card_id, quality, time_taken)
SELECT u.id, c.id, q, 7 FROM users u, cards c, generate_series(0, 5) AS q;
SELECT avg(quality) AS average_quality, count(*) AS reviews FROM reviews;
ROLLBACK;
