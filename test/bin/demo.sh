#!/usr/bin/env bash
# The main job: install dependencies, build and install the extension, start a
# throwaway PostgreSQL server, create the schema, show it and verify it.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

echo "== starting a throwaway PostgreSQL $PG_MAJOR server (pg_virtualenv)"
cd "$TOP"
pg_virtualenv "${CLUSTER_OPTS[@]}" -v "$PG_MAJOR" bash -euo pipefail -c '
    createdb -E UTF8 -T template0 learn_greek_easy
    psql -X -v ON_ERROR_STOP=1 -d learn_greek_easy <<SQL
CREATE EXTENSION flashcard_schema;
\dx flashcard_schema
\dT+ public.*
\d public.users
\d public.user_settings
\d public.refresh_tokens
\d public.decks
\d public.cards
\d public.user_deck_progress
\d public.card_statistics
\d public.reviews
SELECT * FROM flashcard_schema_status();
SELECT count(*) AS checks, count(*) FILTER (WHERE ok) AS passed FROM flashcard_schema_verify();
SELECT flashcard_schema_assert();
SQL
    echo "== flashcard_schema installed and verified"
'
