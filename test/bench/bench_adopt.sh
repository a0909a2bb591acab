#!/usr/bin/env bash
# test/bench/bench_adopt.sh: how long adopting an Alembic-made database
# (CREATE EXTENSION flashcard_schema VERSION 'alembic-d606f59197e7') and
# updating it (ALTER EXTENSION flashcard_schema UPDATE) hold their locks on a
# database with ROWS reviews, against baselines measured in the same run.
#
# The application's migrations (test/lib/app_alembic) make the database as
# its role; it gets ROWS reviews, ROWS/5 card_statistics rows, ROWS/100
# users.  Then, for each phase, two probes run beside it, each a fresh
# transaction every 5 ms, and record the longest they waited:
#   - a reader of reviews (SELECT one row), and
#   - a writer of card_statistics (UPDATE one row),
# and the phase's own wall time is taken.  Phases:
#   - baseline: one catalog-only ALTER TABLE ... ALTER COLUMN ... SET DEFAULT
#     on each of the eight tables, in one transaction: the least any change
#     to the eight tables' catalog costs;
#   - index baseline: CREATE INDEX (user_id, next_review_date, status) on
#     card_statistics and DROP it again: what the update's one build costs;
#   - adoption, then the update.
# A benchmark, not a test: it prints numbers, and fails only if something
# errors or a row changed (counts before and after), never on a timing.
#
#   bash test/bench/bench_adopt.sh                  # on the PG* server, or a throwaway one
#   ROWS=100000 bash test/bench/bench_adopt.sh      # smaller
#
# Needs flashcard_schema built and installed, python3-alembic and
# python3-psycopg2 (/usr/bin/python3).  Wall-clock numbers are noisy on a
# shared machine: run it more than once.
set -euo pipefail

if [ -z "${PGPORT:-}" ]; then
    exec pg_virtualenv -t -c "--locale=C.UTF-8" -v "${PG_MAJOR:-15}" bash "$0" "$@"
fi

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ROWS=${ROWS:-1000000}
REV=d606f59197e7
DB=bench_adopt
APP=bench_adopt_app
PW=bench_adopt_pw
export PGTZ=UTC
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
APSQL() { PGUSER=$APP PGPASSWORD=$PW psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists --force "$DB"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $APP" -c "CREATE ROLE $APP LOGIN PASSWORD '$PW'"
createdb -E UTF8 -T template0 -O "$APP" "$DB"
APSQL -c 'CREATE EXTENSION "uuid-ossp"'
ADOPT_DB=$DB ADOPT_ROLE=$APP PGPASSWORD=$PW /usr/bin/python3 -m alembic \
    -c "$TOP/test/lib/app_alembic/alembic.ini" upgrade "$REV" 2>/dev/null

echo "== the app's Alembic made $DB at $REV; loading $ROWS reviews"
T0=$(date +%s.%N)
APSQL -v rows="$ROWS" <<'SQL'
INSERT INTO users (email, full_name, is_active, is_superuser)
SELECT format('learner%s@example.gr', i), format('Μαθητής Αριθμός %s', i), true, false
  FROM generate_series(1, :rows / 100) i;
INSERT INTO decks (name, description, level, is_active)
SELECT format('Λεξιλόγιο %s', i), 'Λέξεις για την καθημερινή ζωή',
       (ARRAY['A1','A2','B1','B2','C1','C2'])[1 + i % 6]::decklevel, true
  FROM generate_series(1, 20) i;
INSERT INTO cards (deck_id, front_text, back_text, difficulty, order_index)
SELECT d.id, format('ευχαριστώ %s', g), format('thank you %s', g), 'MEDIUM', g
  FROM decks d, generate_series(1, 100) g;
CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM users;
CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM cards;
SELECT count(*) AS nusers FROM u \gset
SELECT count(*) AS ncards FROM c \gset
INSERT INTO card_statistics (user_id, card_id, easiness_factor, "interval", repetitions, next_review_date, status)
SELECT u.id, c.id, 2.5, 1, 1, current_date + i % 30, (ARRAY['NEW','LEARNING','REVIEW','MASTERED'])[1 + i % 4]::cardstatus
  FROM generate_series(1, :rows / 5) i
  JOIN u ON u.n = 1 + i % :nusers
  JOIN c ON c.n = 1 + (i / :nusers) % :ncards;
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT u.id, c.id, i % 6, 2 + i % 40, now() - i * interval '1 minute'
  FROM generate_series(1, :rows) i
  JOIN u ON u.n = 1 + i % :nusers
  JOIN c ON c.n = 1 + (i * 31) % :ncards;
SQL
"${PSQL[@]}" -c "VACUUM ANALYZE" -c "CHECKPOINT"
COUNTS_SQL="SELECT string_agg(format('%s=%s', t, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', t), false, true, '')))[1]), ' ')
            FROM unnest(ARRAY['users','user_settings','refresh_tokens','decks','cards','user_deck_progress','card_statistics','reviews']) t"
COUNTS=$("${PSQL[@]}" -At -c "$COUNTS_SQL")
printf 'loaded in %.1f s: %s; card_statistics %s, reviews %s (with indexes)\n' \
    "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$COUNTS" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_total_relation_size('card_statistics'))")" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_total_relation_size('reviews'))")"

# The probes: each a fresh transaction every 5 ms, its longest wait recorded.
"${PSQL[@]}" <<'SQL'
CREATE SCHEMA bench;
CREATE TABLE bench.stop (phase text);
CREATE TABLE bench.log (phase text, probe text, worst_ms float8, probes int);
CREATE PROCEDURE bench.probe(phase text, probe text, stmt text) LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    worst float8 := 0;
    n int := 0;
BEGIN
    LOOP
        t0 := clock_timestamp();
        EXECUTE stmt;
        worst := greatest(worst, extract(epoch FROM clock_timestamp() - t0) * 1000);
        n := n + 1;
        COMMIT;
        EXIT WHEN EXISTS (SELECT FROM bench.stop s WHERE s.phase = probe.phase);
        PERFORM pg_sleep(0.005);
    END LOOP;
    INSERT INTO bench.log VALUES (phase, probe, worst, n);
END
$$;
SQL
STAT_ID=$("${PSQL[@]}" -At -c "SELECT id FROM card_statistics LIMIT 1")

phase() {  # phase NAME SQL...: run the SQL (as the app's role) between the probes; prints seconds
    local name=$1; shift
    "${PSQL[@]}" -c "CALL bench.probe('$name', 'reader', 'SELECT 1 FROM public.reviews LIMIT 1')" &
    local reader=$!
    "${PSQL[@]}" -c "CALL bench.probe('$name', 'writer', 'UPDATE public.card_statistics SET repetitions = repetitions WHERE id = ''$STAT_ID''')" &
    local writer=$!
    sleep 0.5
    local t0 t1
    t0=$(date +%s.%N)
    APSQL "$@" >/dev/null
    t1=$(date +%s.%N)
    sleep 0.5
    "${PSQL[@]}" -c "INSERT INTO bench.stop VALUES ('$name')"
    wait $reader $writer
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
worst() {  # worst PHASE PROBE: its longest wait in ms, and its number of probes
    "${PSQL[@]}" -At -F ' ' -c "SELECT round(worst_ms::numeric, 1), probes FROM bench.log WHERE phase = '$1' AND probe = '$2'"
}

"${PSQL[@]}" -c "CHECKPOINT"
BASE_S=$(phase baseline -c "BEGIN" \
    -c "ALTER TABLE users ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE user_settings ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE refresh_tokens ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE decks ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE cards ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE user_deck_progress ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE card_statistics ALTER COLUMN created_at SET DEFAULT now()" \
    -c "ALTER TABLE reviews ALTER COLUMN created_at SET DEFAULT now()" \
    -c "COMMIT")
"${PSQL[@]}" -c "CHECKPOINT"
INDEX_S=$(phase index -c "CREATE INDEX bench_due ON card_statistics (user_id, next_review_date, status)" \
    -c "DROP INDEX bench_due")
"${PSQL[@]}" -c "CHECKPOINT"
ADOPT_S=$(phase adopt -c "CREATE EXTENSION flashcard_schema VERSION 'alembic-$REV'")
"${PSQL[@]}" -c "CHECKPOINT"
UPDATE_S=$(phase update -c "ALTER EXTENSION flashcard_schema UPDATE")

VERSION=$("${PSQL[@]}" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")
FAILED=$("${PSQL[@]}" -At -c "SELECT count(*) FROM flashcard_schema_verify() WHERE NOT ok")
AFTER=$("${PSQL[@]}" -At -c "$COUNTS_SQL")
if [ "$AFTER" != "$COUNTS" ] || [ "$FAILED" != 0 ]; then
    echo "bench_adopt: rows or schema not as expected: version $VERSION, $FAILED failed checks, counts $AFTER (before: $COUNTS)" >&2
    exit 1
fi

report() {  # report LABEL SECONDS PHASE
    read -r rw rn <<<"$(worst "$3" reader)"
    read -r ww wn <<<"$(worst "$3" writer)"
    awk -v l="$1" -v s="$2" -v b="$BASE_S" -v rw="$rw" -v ww="$ww" -v rn="$rn" -v wn="$wn" 'BEGIN {
        printf "%-58s %7.3f s (%6.1f x baseline); longest wait: reader of reviews %7.1f ms (%d probes), writer of card_statistics %7.1f ms (%d probes)\n", l, s, s / b, rw, rn, ww, wn }'
}
echo "== $ROWS reviews; now at $VERSION, verify() clean, every table's row count unchanged"
report "baseline: SET DEFAULT on the eight tables, one transaction" "$BASE_S" baseline
report "index baseline: CREATE INDEX on card_statistics + DROP" "$INDEX_S" index
report "CREATE EXTENSION ... VERSION 'alembic-$REV' (adoption)" "$ADOPT_S" adopt
report "ALTER EXTENSION flashcard_schema UPDATE (to $VERSION)" "$UPDATE_S" update

PGOPTIONS='-c client_min_messages=warning' dropdb --force "$DB"
psql -X -q -d postgres -c "DROP ROLE $APP"
