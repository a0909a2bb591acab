#!/usr/bin/env bash
# test/bench/bench_update_1_3.sh: how long `ALTER EXTENSION flashcard_schema
# UPDATE TO '1.3'` takes on a large reviews table, and how long a reader of
# reviews is blocked by it.  1.2 -> 1.3 is the first update that rewrites a
# table (reviews.quality: reviewrating -> integer), so this is the figure a
# DBA plans the maintenance window with.
#
# It loads ROWS reviews (with ROWS/100 users, ROWS/10000 decks and ROWS/50
# cards, Greek text, realistic widths) into a 1.2 database, then:
#   - baseline: the least one rewrite of reviews can cost, measured in the
#     same run: CREATE TABLE AS SELECT of reviews with quality converted,
#     plus building its primary key and its 3 indexes, in one transaction
#     (and once more with maintenance_work_mem = MWM_ALT, default 256MB, to
#     show what more memory for the index builds would gain);
#   - the update, while a second session reads reviews every 5 ms (each read
#     its own transaction) and records the longest it had to wait;
#   - proof of one rewrite: a table_rewrite event trigger counts the rewrites
#     of reviews, and the relfilenode of reviews and of each of its 4 indexes
#     changed (no other table's did); the WAL the update wrote is compared
#     with the baseline's;
#   - RUNS-1 more rounds (downgrade to 1.2 untimed, baselines, update), so
#     that medians and the spread show through a shared machine's noise.
# A benchmark, not a test: it prints numbers and fails only if something
# errors or the update did not convert every row, never on a timing.
#
#   bash test/bench/bench_update_1_3.sh              # starts its own throwaway server
#   ROWS=200000 RUNS=1 bash test/bench/bench_update_1_3.sh  # smaller, one round
#   pg_virtualenv -t -c "--locale=C.UTF-8" -v 15 bash test/bench/bench_update_1_3.sh
#
# Needs flashcard_schema built and installed.  Wall-clock numbers are noisy
# on a shared machine: run it more than once.
set -euo pipefail

# Without a server to talk to, wrap ourselves in a throwaway one.
if [ -z "${PGPORT:-}" ]; then
    exec pg_virtualenv -t -c "--locale=C.UTF-8" -v "${PG_MAJOR:-15}" bash "$0" "$@"
fi

ROWS=${ROWS:-1000000}
USERS=$((ROWS / 100))
DECKS=$(((ROWS + 9999) / 10000))
CARDS_PER_DECK=200
MWM_ALT=${MWM_ALT:-256MB}   # a second baseline with this maintenance_work_mem
RUNS=${RUNS:-3}             # updates timed (downgrading in between, untimed)
DB=bench_update_1_3
export PGTZ=UTC

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")

PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$DB"
createdb "$DB"
"${PSQL[@]}" -c "CREATE EXTENSION flashcard_schema VERSION '1.2'"

echo "== loading $ROWS reviews ($USERS users, $DECKS decks, $((DECKS * CARDS_PER_DECK)) cards) at 1.2"
T0=$(date +%s.%N)
"${PSQL[@]}" -v users="$USERS" -v decks="$DECKS" -v cpd="$CARDS_PER_DECK" -v rows="$ROWS" <<'SQL'
INSERT INTO users (email, password_hash, full_name, created_at)
SELECT format('learner%s@example.gr', i),
       '$2b$12$' || substr(md5(i::text) || md5((i + 1)::text), 1, 53),
       format('Μαθητής Αριθμός %s', i),
       now() - (i % 365) * interval '1 day'
  FROM generate_series(1, :users) i;
INSERT INTO decks (name, description, level)
SELECT format('Λεξιλόγιο %s: Καθημερινή ζωή', i),
       'Λέξεις και φράσεις για την καθημερινή ζωή στην Ελλάδα',
       (ARRAY['A1', 'A2', 'B1', 'B2', 'C1', 'C2'])[1 + i % 6]::decklevel
  FROM generate_series(1, :decks) i;
INSERT INTO cards (deck_id, front_text, back_text, example_sentence, pronunciation, difficulty, order_index)
SELECT d.id, format('ευχαριστώ πολύ %s', g), format('thank you very much %s', g),
       'Ευχαριστώ πολύ για τη βοήθειά σας σήμερα.', 'ef-kha-ri-STO po-LI',
       (ARRAY['EASY', 'MEDIUM', 'HARD'])[1 + g % 3]::carddifficulty, g
  FROM decks d, generate_series(1, :cpd) g;
CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM users;
CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM cards;
SELECT count(*) AS ncards FROM c \gset
-- one review per minute of the last two years, spread over users and cards
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT u.id, c.id,
       (ARRAY['AGAIN', 'HARD', 'GOOD', 'EASY'])[1 + (i * 7) % 4]::reviewrating,
       2 + i % 40,
       now() - i * interval '1 minute'
  FROM generate_series(1, :rows) i
  JOIN u ON u.n = 1 + i % :users
  JOIN c ON c.n = 1 + (i * 31) % :ncards;
SQL
"${PSQL[@]}" -c "VACUUM ANALYZE" -c "CHECKPOINT"
printf 'loaded in %.1f s; reviews: %s (table %s, indexes %s)\n' "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
    "$("${PSQL[@]}" -At -c "SELECT count(*) FROM reviews")" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_table_size('reviews'))")" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_indexes_size('reviews'))")"

# What the update must produce: the ratings' counts, by the seed's numbers.
WANT=$("${PSQL[@]}" -At -c "SELECT string_agg(format('%s:%s', array_position(ARRAY['AGAIN','HARD','GOOD','EASY'], quality::text), n), ' ' ORDER BY quality)
                              FROM (SELECT quality, count(*) n FROM reviews GROUP BY 1) s")

# Relation files of every table of the extension and of reviews' indexes.
FILES_SQL="SELECT string_agg(format('%s=%s', c.relname, c.relfilenode), ' ' ORDER BY c.relname)
             FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')
              AND c.relname NOT LIKE 'bench%'"

# ---------------------------------------------------------------------------
# Baseline: the least one rewrite of reviews costs (warm cache, same run).
# ---------------------------------------------------------------------------
"${PSQL[@]}" -At -c "SELECT count(*) FROM reviews" >/dev/null   # warm the cache
baseline() {  # [maintenance_work_mem]: "seconds wal_bytes"
    "${PSQL[@]}" -At -v mwm="${1:-}" <<'SQL'
SELECT :'mwm' = '' AS dflt \gset
\if :dflt
\else
SET maintenance_work_mem = :'mwm';
\endif
CHECKPOINT;
SELECT clock_timestamp() AS t0, pg_current_wal_lsn() AS l0 \gset
BEGIN;
CREATE TABLE bench_copy AS
SELECT id, user_id, card_id,
       (CASE quality WHEN 'AGAIN' THEN 1 WHEN 'HARD' THEN 2 WHEN 'GOOD' THEN 3 WHEN 'EASY' THEN 4 END)::int4 AS quality,
       time_taken, reviewed_at, created_at, updated_at
  FROM reviews;
ALTER TABLE bench_copy ADD PRIMARY KEY (id);
CREATE INDEX ON bench_copy (user_id);
CREATE INDEX ON bench_copy (card_id);
CREATE INDEX ON bench_copy (reviewed_at);
COMMIT;
SELECT format('%s %s', extract(epoch FROM clock_timestamp() - :'t0'),
              pg_wal_lsn_diff(pg_current_wal_lsn(), :'l0'));
DROP TABLE bench_copy;
CHECKPOINT;
SQL
}
# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

update_once() {  # "seconds wal_bytes start_timestamp" of one timed update to 1.3
    "${PSQL[@]}" -At <<'SQL'
CHECKPOINT;
SELECT clock_timestamp() AS t0, pg_current_wal_lsn() AS l0 \gset
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
SELECT format('%s %s %s', extract(epoch FROM clock_timestamp() - :'t0'),
              pg_wal_lsn_diff(pg_current_wal_lsn(), :'l0'), :'t0');
SQL
}

# Run 1: baselines, then the update watched by the reader and the rewrite
# counter.  Runs 2..RUNS: back to 1.2 (untimed), baselines, update again;
# the shared machine's noise shows in the spread.
read -r BASE_S BASE_WAL <<<"$(baseline)"
# the same copy with more memory for the index builds: what raising
# maintenance_work_mem before the update would gain
read -r ALT_S _ <<<"$(baseline "$MWM_ALT")"
MWM=$("${PSQL[@]}" -At -c "SHOW maintenance_work_mem")
BASE_ALL=("$BASE_S")
ALT_ALL=("$ALT_S")

# ---------------------------------------------------------------------------
# The reader (each probe its own transaction, 5 ms apart) and the rewrite
# counter.
# ---------------------------------------------------------------------------
"${PSQL[@]}" <<'SQL'
CREATE TABLE bench_done ();
CREATE TABLE bench_reader_log (worst_ms float8, blocked_from timestamptz, blocked_until timestamptz, probes int);
CREATE PROCEDURE bench_reader() LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    t1 timestamptz;
    worst float8 := 0;
    wfrom timestamptz;
    wuntil timestamptz;
    n int := 0;
BEGIN
    LOOP
        t0 := clock_timestamp();
        PERFORM 1 FROM reviews LIMIT 1;
        t1 := clock_timestamp();
        COMMIT;
        n := n + 1;
        IF extract(epoch FROM t1 - t0) * 1000 > worst THEN
            worst := extract(epoch FROM t1 - t0) * 1000;
            wfrom := t0;
            wuntil := t1;
        END IF;
        EXIT WHEN EXISTS (SELECT FROM bench_done);
        COMMIT;
        PERFORM pg_sleep(0.005);
    END LOOP;
    INSERT INTO bench_reader_log VALUES (worst, wfrom, wuntil, n);
END
$$;
CREATE TABLE bench_rewrites (relation text, at timestamptz);
CREATE FUNCTION bench_on_rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bench_rewrites VALUES (pg_event_trigger_table_rewrite_oid()::regclass::text, clock_timestamp());
END
$$;
CREATE EVENT TRIGGER bench_rewrite ON table_rewrite EXECUTE FUNCTION bench_on_rewrite();
CHECKPOINT;
SQL

FILES_BEFORE=$("${PSQL[@]}" -At -c "$FILES_SQL")
"${PSQL[@]}" -c "CALL bench_reader()" &
READER=$!
sleep 1

read -r UPD_S UPD_WAL UPD_T0_DATE UPD_T0_TIME <<<"$(update_once)"
UPD_ALL=("$UPD_S")
sleep 0.5
"${PSQL[@]}" -c "INSERT INTO bench_done DEFAULT VALUES"
wait "$READER"
FILES_AFTER=$("${PSQL[@]}" -At -c "$FILES_SQL")

READER_LOG=$("${PSQL[@]}" -At -F ' ' -c "SELECT round(worst_ms::numeric), probes,
        round((extract(epoch FROM blocked_from - '$UPD_T0_DATE $UPD_T0_TIME'::timestamptz) * 1000)::numeric),
        round((extract(epoch FROM blocked_until - '$UPD_T0_DATE $UPD_T0_TIME'::timestamptz) * 1000)::numeric)
    FROM bench_reader_log")
read -r WORST PROBES FROM_MS UNTIL_MS <<<"$READER_LOG"
REWRITES=$("${PSQL[@]}" -At -c "SELECT coalesce(string_agg(relation, ', ' ORDER BY at), 'none') FROM bench_rewrites")
CHANGED=$(join -v1 <(tr ' ' '\n' <<<"$FILES_AFTER" | sort) <(tr ' ' '\n' <<<"$FILES_BEFORE" | sort) \
          | cut -d= -f1 | paste -sd' ')
"${PSQL[@]}" -c "DROP EVENT TRIGGER bench_rewrite"

for ((r = 2; r <= RUNS; r++)); do
    "${PSQL[@]}" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" -c "VACUUM ANALYZE reviews"
    "${PSQL[@]}" -At -c "SELECT count(*) FROM reviews" >/dev/null
    read -r s _ <<<"$(baseline)"
    BASE_ALL+=("$s")
    read -r s _ <<<"$(baseline "$MWM_ALT")"
    ALT_ALL+=("$s")
    read -r s _ <<<"$(update_once)"
    UPD_ALL+=("$s")
done
RATIOS=()
for ((r = 0; r < RUNS; r++)); do
    RATIOS+=("$(awk -v u="${UPD_ALL[r]}" -v b="${BASE_ALL[r]}" 'BEGIN { print u / b }')")
    ALT_RATIOS+=("$(awk -v a="${ALT_ALL[r]}" -v b="${BASE_ALL[r]}" 'BEGIN { print a / b }')")
done

# ---------------------------------------------------------------------------
# Check and report.
# ---------------------------------------------------------------------------
GOT=$("${PSQL[@]}" -At -c "SELECT string_agg(format('%s:%s', quality, n), ' ' ORDER BY quality)
                             FROM (SELECT quality, count(*) n FROM reviews GROUP BY 1) s")
VERSION=$("${PSQL[@]}" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")
if [ "$VERSION" != 1.3 ] || [ "$GOT" != "$WANT" ]; then
    echo "bench_update_1_3: the update did not convert every row: version $VERSION, quality counts $GOT, expected $WANT" >&2
    exit 1
fi
list() { printf '%.2f ' "$@" | sed 's/ $//'; }
UPD_MED=$(median "${UPD_ALL[@]}")
awk -v rows="$ROWS" -v upd="$UPD_MED" -v uw="$UPD_WAL" -v bw="$BASE_WAL" -v runs="$RUNS" 'BEGIN {
    printf "update 1.2 -> 1.3 of %d reviews, median of %d: %.2f s, %.0f rows/s (%.1f s per million reviews)\n", rows, runs, upd, rows / upd, upd * 1e6 / rows
    printf "WAL written by the first: %.1f MB, by one copy of reviews and its indexes %.1f MB (ratio %.2f)\n", uw / 1048576, bw / 1048576, uw / bw
}'
echo "  each update (s): $(list "${UPD_ALL[@]}")"
echo "  baseline, one copy of reviews + its 4 indexes (CREATE TABLE AS) just before each (s): $(list "${BASE_ALL[@]}")"
printf '  ratio update/baseline: median %.2f (%s)\n' "$(median "${RATIOS[@]}")" "$(list "${RATIOS[@]}")"
printf '  the baseline with maintenance_work_mem = %s instead of %s: median %.2f of the time (%s)\n' \
    "$MWM_ALT" "$MWM" "$(median "${ALT_RATIOS[@]}")" "$(list "${ALT_RATIOS[@]}")"
echo "during the first update a reader of reviews (a probe every 5 ms, $PROBES probes) waited at most $WORST ms (from +$FROM_MS ms to +$UNTIL_MS ms after the update began)"
echo "rewrites seen by a table_rewrite event trigger during the first update: $REWRITES"
echo "relation files it changed: $CHANGED (every other table and index kept its file)"
