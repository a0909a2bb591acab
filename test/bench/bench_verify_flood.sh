#!/usr/bin/env bash
# test/bench/bench_verify_flood.sh: how much another role's temporary functions
# named like the extension's slow verify() down (issue 16).
#
# An ordinary role with only TEMP on the database creates FLOOD temporary
# functions named exactly like the extension's (flashcard_schema_verify,
# _status, _assert, _revision, _distribute with other argument lists) and
# keeps its session open.  verify() is timed before and during the flood,
# in the same run: the first call of a fresh session (every session pays it)
# and calls within one session.  The ratios printed are flood / baseline.
# The library of 1.3 found its functions by name across every schema (about
# 30-100 times slower per fresh session with tens of thousands); from 1.4's
# library they are read by the extension's schema.  A benchmark, not a
# test: it prints numbers and fails only if something errors.
#
#   bash test/bench/bench_verify_flood.sh        # starts its own throwaway server
#
# Knobs (environment): FLOOD=20000 functions, SESSIONS=31 fresh sessions,
# CALLS=200 calls in one session.
set -euo pipefail

if [ -z "${PGPORT:-}" ]; then
    exec pg_virtualenv -t -c "--locale=C.UTF-8" -v "${PG_MAJOR:-15}" bash "$0" "$@"
fi

FLOOD=${FLOOD:-20000}
SESSIONS=${SESSIONS:-31}
CALLS=${CALLS:-200}
DB=bench_verify_flood
ROLE=bench_flooder
PSQL=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB")

PGOPTIONS='-c client_min_messages=warning' dropdb --force --if-exists "$DB"
psql -X -q -c "DROP ROLE IF EXISTS $ROLE" -c "CREATE ROLE $ROLE LOGIN PASSWORD 'flood'"
createdb -E UTF8 -T template0 "$DB"
"${PSQL[@]}" -c 'CREATE EXTENSION flashcard_schema' -c "GRANT TEMP ON DATABASE $DB TO $ROLE" \
    -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC"

# Milliseconds of the first verify() of SESSIONS fresh sessions (median), of
# the PREPARE before it (the server's parser resolving the name: every call
# of any function so named pays it, whatever the library does), and of each
# of CALLS calls within one session (mean)
median() { sort -n | sed -n "$(( (SESSIONS + 1) / 2 ))p"; }
measure() {
    local times
    times=$(for _ in $(seq "$SESSIONS"); do
        "${PSQL[@]}" <<'SQL' | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | paste -sd' '
\timing on
PREPARE v AS SELECT count(*) FROM flashcard_schema_verify();
EXECUTE v;
SQL
    done)
    local parse fresh within
    parse=$(awk '{ print $1 }' <<<"$times" | median)
    fresh=$(awk '{ print $2 }' <<<"$times" | median)
    within=$("${PSQL[@]}" -v calls="$CALLS" <<'SQL'
SELECT set_config('bench.calls', :'calls', false) \gset
DO $$
DECLARE t0 timestamptz;
BEGIN
    PERFORM count(*) FROM flashcard_schema_verify();
    t0 := clock_timestamp();
    FOR i IN 1..current_setting('bench.calls')::int LOOP
        PERFORM count(*) FROM flashcard_schema_verify();
    END LOOP;
    PERFORM set_config('bench.ms', (extract(epoch FROM clock_timestamp() - t0) * 1000
                                    / current_setting('bench.calls')::int)::numeric(10,3)::text, false);
END $$;
SELECT current_setting('bench.ms');
SQL
)
    echo "$parse $fresh $within"
}

read -r base_parse base_fresh base_within < <(measure)

# The flood: FLOOD functions over the extension's names and three-argument
# lists of built-in types, created by the TEMP-only role, its session kept open
READY=$(mktemp -u)
mkfifo "$READY"
PGUSER=$ROLE PGPASSWORD=flood psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -v flood="$FLOOD" <<'SQL' >"$READY" &
SELECT set_config('bench.flood', :'flood', false) \gset
DO $$
DECLARE
    types text[] := ARRAY['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'bool',
                          'date', 'timestamp', 'timestamptz', 'interval', 'uuid', 'bytea',
                          'json', 'jsonb', 'inet', 'cidr', 'money', 'oid', 'name', 'char',
                          'time', 'timetz', 'point', 'box', 'xml', 'bit', 'varbit', 'tsvector'];
    names text[] := ARRAY['flashcard_schema_verify', 'flashcard_schema_status',
                          'flashcard_schema_assert', 'flashcard_schema_revision',
                          'flashcard_schema_distribute'];
    n int := 0;
    nm text;
    target int := current_setting('bench.flood')::int;
BEGIN
    <<outer>>
    FOR a IN 1..30 LOOP FOR b IN 1..30 LOOP FOR c IN 1..30 LOOP FOREACH nm IN ARRAY names LOOP
        EXIT outer WHEN n >= target;
        EXECUTE format('CREATE FUNCTION pg_temp.%I(%s, %s, %s) RETURNS int LANGUAGE sql AS %L',
                       nm, types[a], types[b], types[c], 'SELECT 1');
        n := n + 1;
    END LOOP; END LOOP; END LOOP; END LOOP;
END $$;
SELECT 'ready';
SELECT pg_sleep(3600);
SQL
FLOODER=$!
# (the flooder's backend sleeps on after its client is gone: end it by role)
trap 'kill $FLOODER 2>/dev/null || true; rm -f "$READY"
      psql -X -q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"'$ROLE'"'" >/dev/null' EXIT
read -r _ <"$READY"
flooded=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                           WHERE n.nspname LIKE 'pg_temp%' AND p.proname LIKE 'flashcard_schema%'")

read -r flood_parse flood_fresh flood_within < <(measure)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "verify() with $flooded temporary functions named like the extension's (another role's session):"
echo "  first call of a fresh session (median of $SESSIONS): ${base_fresh} ms -> ${flood_fresh} ms," \
     "ratio $(ratio "$flood_fresh" "$base_fresh")"
echo "  (the server's parser resolving the name first:    ${base_parse} ms -> ${flood_parse} ms," \
     "ratio $(ratio "$flood_parse" "$base_parse"); any function so named pays it)"
echo "  within one session (mean of $CALLS):               ${base_within} ms -> ${flood_within} ms," \
     "ratio $(ratio "$flood_within" "$base_within")"
