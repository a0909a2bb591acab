#!/usr/bin/env bash
# test/bench/bench_verify.sh: how fast flashcard_schema_verify() is, compared with the
# same checks written as pgTAP assertions, and whether verify() and assert()
# leak memory.  A benchmark, not a test: it prints numbers and fails only if
# something errors (or a generated pgTAP assertion fails), never on a timing.
#
#   bash test/bench/bench_verify.sh              # starts its own throwaway server
#   pg_virtualenv -t -v 15 bash test/bench/bench_verify.sh
#
# Needs flashcard_schema built and installed, and pgTAP.  Knobs (environment):
#   CALLS=2000    verify() calls timed        RUNS=10   pgTAP runs timed
#   MEM_CALLS=10000  calls between the two memory readings
#   SQL_CALLS=200 calls of the pg_tle flavor's SQL verify() timed (needs cc and
#                 pg_config for tle/generate; left out without them)
# Wall-clock numbers are noisy on a shared machine: run it more than once.
set -euo pipefail

# Without a server to talk to, wrap ourselves in a throwaway one.  (-t keeps
# the cluster in a temporary directory even as root, so that concurrent runs
# do not collide on /etc/postgresql/<version>/regress.)
if [ -z "${PGPORT:-}" ]; then
    exec pg_virtualenv -t -c "--locale=C.UTF-8" -v "${PG_MAJOR:-15}" bash "$0" "$@"
fi

CALLS=${CALLS:-2000}
RUNS=${RUNS:-10}
MEM_CALLS=${MEM_CALLS:-10000}
SQL_CALLS=${SQL_CALLS:-200}
WARMUP=100
DB=bench_verify
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")

PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$DB"
createdb -E UTF8 -T template0 --lc-collate=C --lc-ctype=C "$DB"
"${PSQL[@]}" -c 'CREATE EXTENSION flashcard_schema' -c 'CREATE EXTENSION pgtap'

# ---------------------------------------------------------------------------
# The first backend to run verify() after CREATE EXTENSION has been seen to be
# several times slower than every later one, for its whole life (see the
# minor page faults: memory returned to the OS and faulted back in on every
# call).  Measure it before anything else touches the catalogs.  (The page
# faults are read from /proc, so only when the server runs on this host.)
# ---------------------------------------------------------------------------
first_backend() {
    "${PSQL[@]}" -At <<SQL
\\set QUIET 1
SELECT pg_backend_pid() AS pid \\gset
CREATE FUNCTION pg_temp.loop(calls int) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    FOR i IN 1..calls LOOP PERFORM count(*) FROM flashcard_schema_verify(); END LOOP;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000 / calls;
END \$\$;
SELECT pg_temp.loop($WARMUP) AS ms \\gset warm_
\\setenv BENCH_PID :pid
\\! cut -d' ' -f10 /proc/\$BENCH_PID/stat 2>/dev/null > $WORK/minflt.before || true
SELECT pg_temp.loop($CALLS) AS ms \\gset
\\! cut -d' ' -f10 /proc/\$BENCH_PID/stat 2>/dev/null > $WORK/minflt.after || true
SELECT round(:ms::numeric, 3);
SQL
}
FIRST_MS=$(first_backend)

# Minor page faults per call between two readings, if the server is local
faults() {
    if [ -s "$WORK/$1.before" ] && [ -s "$WORK/$1.after" ]; then
        echo ", $(( ($(cat "$WORK/$1.after") - $(cat "$WORK/$1.before")) / CALLS )) minor page faults/call"
    fi
}

# ---------------------------------------------------------------------------
# The checks verify() makes, written as pgTAP assertions, generated from the
# catalog of the fresh install (one expression per line).
# ---------------------------------------------------------------------------
"${PSQL[@]}" -At >"$WORK/assertions" <<'SQL'
WITH ext AS (
    SELECT e.oid, e.extnamespace AS nsp, e.extnamespace::regnamespace::text AS s, e.extconfig
    FROM pg_extension e WHERE e.extname = 'flashcard_schema'
), members AS (
    SELECT d.classid, d.objid FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), enums AS (
    SELECT t.oid, t.typname::text AS name FROM pg_type t JOIN members m
        ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
    WHERE t.typtype = 'e'
), tabs AS (
    SELECT c.oid, c.relname::text AS name FROM pg_class c JOIN members m
        ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    WHERE c.relkind = 'r'
), cols AS (
    SELECT t.oid AS relid, t.name AS tab, a.attname::text AS col, a.attnum,
           format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
           pg_get_expr(ad.adbin, ad.adrelid) AS def, col_description(t.oid, a.attnum) AS comment,
           (SELECT co.collname::text FROM pg_collation co JOIN pg_type ty ON ty.oid = a.atttypid
            WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation) AS collation
    FROM tabs t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = t.oid AND ad.adnum = a.attnum
), cons AS (
    SELECT t.name AS tab, n.oid, n.conname::text AS name, n.contype,
           ARRAY(SELECT attname::text FROM unnest(n.conkey) WITH ORDINALITY k(attnum, o)
                 JOIN pg_attribute a ON a.attrelid = n.conrelid AND a.attnum = k.attnum ORDER BY o) AS cols,
           n.confrelid::regclass::text AS reftab,
           ARRAY(SELECT attname::text FROM unnest(n.confkey) WITH ORDINALITY k(attnum, o)
                 JOIN pg_attribute a ON a.attrelid = n.confrelid AND a.attnum = k.attnum ORDER BY o) AS refcols,
           n.confdeltype::text AS ondelete, pg_get_constraintdef(n.oid) AS def
    FROM tabs t JOIN pg_constraint n ON n.conrelid = t.oid
), idx AS (
    SELECT t.name AS tab, i.relname::text AS name, x.indisunique, am.amname::text AS method,
           x.indoption::text AS options, pg_get_indexdef(x.indexrelid, 0, true) AS def,
           ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k) AS cols
    FROM tabs t JOIN pg_index x ON x.indrelid = t.oid
    JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
    WHERE NOT EXISTS (SELECT FROM pg_constraint n WHERE n.conindid = x.indexrelid)
), member_sql AS (
    SELECT $m$(SELECT e.extname::text FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND d.classid = %L::regclass AND d.objid = %L::%s)$m$ AS f
)
SELECT line FROM (
    SELECT 0 AS o1, '' AS o2, 0 AS o3,
           $$is((SELECT pg_encoding_to_char(encoding)::text FROM pg_database WHERE datname = current_database()), 'UTF8', 'database encoding')$$ AS line
    UNION ALL
    -- enum types: exists, labels in order, extension member
    SELECT 1, e.name, 1, format('has_enum(%L::name, %L::name, %L::text)', ext.s, e.name, 'type ' || e.name) FROM enums e, ext
    UNION ALL
    SELECT 1, e.name, 2, format('enum_has_labels(%L::name, %L::name, %L::name[], %L::text)', ext.s, e.name,
           ARRAY(SELECT enumlabel FROM pg_enum WHERE enumtypid = e.oid ORDER BY enumsortorder), 'labels of ' || e.name)
    FROM enums e, ext
    UNION ALL
    SELECT 1, e.name, 3, format('is(' || m.f || ', %L, %L)', 'pg_type', ext.s || '.' || e.name, 'regtype',
                                'flashcard_schema', 'type ' || e.name || ' is a member')
    FROM enums e, ext, member_sql m
    UNION ALL
    -- tables: exists, extension member, registered for pg_dump (with no row filter), the columns in order (no extra)
    SELECT 2, t.name, 1, format('has_table(%L::name, %L::name, %L::text)', ext.s, t.name, 'table ' || t.name) FROM tabs t, ext
    UNION ALL
    SELECT 2, t.name, 2, format('is(' || m.f || ', %L, %L)', 'pg_class', ext.s || '.' || t.name, 'regclass',
                                'flashcard_schema', 'table ' || t.name || ' is a member')
    FROM tabs t, ext, member_sql m
    UNION ALL
    SELECT 2, t.name, 3, format($f$ok((SELECT extcondition[array_position(extconfig, %L::regclass::oid)] = '' FROM pg_extension WHERE extname = 'flashcard_schema'), %L)$f$,
                                ext.s || '.' || t.name, 'table ' || t.name || ' is dumped')
    FROM tabs t, ext
    UNION ALL
    SELECT 2, t.name, 4, format('columns_are(%L::name, %L::name, %L::name[], %L::text)', ext.s, t.name,
                                ARRAY(SELECT col FROM cols c WHERE c.relid = t.oid ORDER BY attnum), 'no extra columns in ' || t.name)
    FROM tabs t, ext
    UNION ALL
    SELECT 2, t.name, 5, format($f$is(ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = %L::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum), %L::text[], %L)$f$,
                                ext.s || '.' || t.name, ARRAY(SELECT col FROM cols c WHERE c.relid = t.oid ORDER BY attnum),
                                'columns of ' || t.name || ' in order')
    FROM tabs t, ext
    UNION ALL
    -- columns: exists, type, nullability, default, comment, collation (if not the type's)
    SELECT 3, c.tab, c.attnum * 10 + k, CASE k
        WHEN 1 THEN format('has_column(%L::name, %L::name, %L::name, %L::text)', ext.s, c.tab, c.col, c.tab || '.' || c.col)
        WHEN 2 THEN format('col_type_is(%L::name, %L::name, %L::name, %L::text, %L::text)', ext.s, c.tab, c.col, c.type, c.tab || '.' || c.col || ' type')
        WHEN 3 THEN format(CASE WHEN c.attnotnull THEN 'col_not_null(%L::name, %L::name, %L::name, %L::text)' ELSE 'col_is_null(%L::name, %L::name, %L::name, %L::text)' END,
                           ext.s, c.tab, c.col, c.tab || '.' || c.col || ' nullability')
        WHEN 4 THEN CASE WHEN c.def IS NULL THEN format('col_hasnt_default(%L::name, %L::name, %L::name, %L::text)', ext.s, c.tab, c.col, c.tab || '.' || c.col || ' has no default')
                         -- (pgTAP wants a literal default as its value: 'NEW', not 'NEW'::cardstatus)
                         ELSE format('col_default_is(%L::name, %L::name, %L::name, %L::text, %L::text)', ext.s, c.tab, c.col,
                                     COALESCE((regexp_match(c.def, $r$^'(.*)'::[a-z_]+$$r$))[1], c.def),
                                     c.tab || '.' || c.col || ' default') END
        WHEN 5 THEN format('is(col_description(%L::regclass, %s), %L, %L)', ext.s || '.' || c.tab, c.attnum, c.comment,
                           c.tab || '.' || c.col || ' comment')
        ELSE format($f$is((SELECT co.collname::text FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = %L::regclass AND a.attname = %L AND a.attcollation <> ty.typcollation), %L, %L)$f$,
                    ext.s || '.' || c.tab, c.col, c.collation, c.tab || '.' || c.col || ' collation')
        END
    FROM cols c, ext, generate_series(1, 6) k
    UNION ALL
    -- constraints: kind and columns; a foreign key's target and ON DELETE; the whole definition; no extra
    SELECT 4, n.tab, k, CASE
        WHEN k = 1 AND n.contype = 'p' THEN format('col_is_pk(%L::name, %L::name, %L::name[], %L::text)', ext.s, n.tab, n.cols, n.name)
        WHEN k = 1 AND n.contype = 'u' THEN format('col_is_unique(%L::name, %L::name, %L::name[], %L::text)', ext.s, n.tab, n.cols, n.name)
        WHEN k = 1 AND n.contype = 'f' THEN format('fk_ok(%L::name, %L::name, %L::name[], %L::name, %L::name, %L::name[], %L::text)',
                                                   ext.s, n.tab, n.cols, ext.s, n.reftab, n.refcols, n.name)
        WHEN k = 2 THEN format($f$is((SELECT contype::text || ' ' || conkey::text FROM pg_constraint WHERE conrelid = %L::regclass AND conname = %L), %L, %L)$f$,
                               ext.s || '.' || n.tab, n.name,
                               (SELECT contype::text || ' ' || conkey::text FROM pg_constraint WHERE conname = n.name AND conrelid = (ext.s || '.' || n.tab)::regclass),
                               'constraint ' || n.name)
        WHEN k = 3 THEN format($f$is((SELECT confdeltype::text FROM pg_constraint WHERE conrelid = %L::regclass AND conname = %L), %L, %L)$f$,
                               ext.s || '.' || n.tab, n.name, n.ondelete, n.name || ' ON DELETE')
        ELSE format($f$is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %L::regclass AND conname = %L), %L, %L)$f$,
                    ext.s || '.' || n.tab, n.name, n.def, n.name || ' definition')
        END
    FROM cons n, ext, generate_series(1, 4) k
    WHERE k <> 3 OR n.contype = 'f'
    UNION ALL
    SELECT 4, t.name, 9, format($f$is(ARRAY(SELECT conname::text FROM pg_constraint WHERE conrelid = %L::regclass ORDER BY 1), %L::text[], %L)$f$,
                                ext.s || '.' || t.name, ARRAY(SELECT name FROM cons n WHERE n.tab = t.name ORDER BY 1),
                                'constraints of ' || t.name)
    FROM tabs t, ext
    UNION ALL
    -- indexes: exists with its columns, valid, unique or not, method, sort order, the whole
    -- definition (opclass, collation, predicate, INCLUDE, NULLS NOT DISTINCT); no extra
    SELECT 5, i.name, k, CASE k
        WHEN 1 THEN format('has_index(%L::name, %L::name, %L::name, %L::name[], %L::text)', ext.s, i.tab, i.name, i.cols, 'index ' || i.name)
        WHEN 2 THEN format($f$ok((SELECT indisvalid FROM pg_index WHERE indexrelid = %L::regclass), %L)$f$,
                           ext.s || '.' || i.name, i.name || ' is valid')
        WHEN 3 THEN CASE WHEN i.indisunique THEN format('index_is_unique(%L::name, %L::name, %L::name, %L::text)', ext.s, i.tab, i.name, i.name || ' is unique')
                         ELSE format($f$ok(NOT (SELECT indisunique FROM pg_index WHERE indexrelid = %L::regclass), %L)$f$,
                                     ext.s || '.' || i.name, i.name || ' is not unique') END
        WHEN 4 THEN format('index_is_type(%L::name, %L::name, %L::name, %L::name, %L::text)', ext.s, i.tab, i.name, i.method, i.name || ' method')
        WHEN 5 THEN format($f$is((SELECT indoption::text FROM pg_index WHERE indexrelid = %L::regclass), %L, %L)$f$,
                           ext.s || '.' || i.name, i.options, i.name || ' sort order')
        ELSE format($f$is(pg_get_indexdef(%L::regclass, 0, true), %L, %L)$f$,
                    ext.s || '.' || i.name, i.def, i.name || ' definition')
        END
    FROM idx i, ext, generate_series(1, 6) k
    UNION ALL
    SELECT 5, t.name, 9, format('indexes_are(%L::name, %L::name, %L::name[], %L::text)', ext.s, t.name,
                                ARRAY(SELECT x.indexrelid::regclass::text FROM pg_index x WHERE x.indrelid = t.oid ORDER BY 1), 'no extra indexes on ' || t.name)
    FROM tabs t, ext
    UNION ALL
    -- what each table does: permanent, heap, no inheritance, no row security, the
    -- privileges as granted (table and columns), no user trigger, rule or policy
    SELECT 2, t.name, 5 + k, CASE k
        WHEN 1 THEN format($f$is((SELECT relpersistence::text FROM pg_class WHERE oid = %L::regclass), 'p', %L)$f$,
                           ext.s || '.' || t.name, t.name || ' is permanent')
        WHEN 2 THEN format($f$is((SELECT a.amname::text FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = %L::regclass), 'heap', %L)$f$,
                           ext.s || '.' || t.name, t.name || ' is heap')
        WHEN 3 THEN format($f$is((SELECT count(*) FROM pg_inherits WHERE inhrelid = %1$L::regclass OR inhparent = %1$L::regclass), 0::bigint, %2$L)$f$,
                           ext.s || '.' || t.name, t.name || ' has no inheritance')
        WHEN 4 THEN format($f$ok(NOT (SELECT relrowsecurity OR relforcerowsecurity FROM pg_class WHERE oid = %L::regclass), %L)$f$,
                           ext.s || '.' || t.name, t.name || ' has no row security')
        WHEN 5 THEN format($f$is((SELECT coalesce(relacl::text, '') FROM pg_class WHERE oid = %L::regclass), %L, %L)$f$,
                           ext.s || '.' || t.name, (SELECT coalesce(relacl::text, '') FROM pg_class WHERE oid = t.oid), t.name || ' privileges')
        WHEN 6 THEN format($f$is((SELECT count(*) FROM pg_attribute WHERE attrelid = %L::regclass AND attacl IS NOT NULL), 0::bigint, %L)$f$,
                           ext.s || '.' || t.name, t.name || ' has no column privileges')
        WHEN 7 THEN format($f$is(ARRAY(SELECT tgname::text FROM pg_trigger WHERE tgrelid = %L::regclass AND NOT tgisinternal), '{}'::text[], %L)$f$,
                           ext.s || '.' || t.name, t.name || ' has no user triggers')
        WHEN 8 THEN format($f$is((SELECT count(*) FROM pg_rewrite WHERE ev_class = %L::regclass), 0::bigint, %L)$f$,
                           ext.s || '.' || t.name, t.name || ' has no rules')
        ELSE format($f$is((SELECT count(*) FROM pg_policy WHERE polrelid = %L::regclass), 0::bigint, %L)$f$,
                    ext.s || '.' || t.name, t.name || ' has no policies')
        END
    FROM tabs t, ext, generate_series(1, 9) k
    UNION ALL
    -- each foreign key's triggers: present, on the right tables, enabled
    SELECT 4, n.tab, 5, format($f$is(ARRAY(SELECT tgfoid::regproc::text || ' ' || tgrelid::regclass::text || ' ' || tgenabled::text FROM pg_trigger WHERE tgconstraint = (SELECT oid FROM pg_constraint WHERE conrelid = %L::regclass AND conname = %L) ORDER BY 1), %L::text[], %L)$f$,
                            ext.s || '.' || n.tab, n.name,
                            ARRAY(SELECT tg.tgfoid::regproc::text || ' ' || tg.tgrelid::regclass::text || ' ' || tg.tgenabled::text FROM pg_trigger tg
                                  WHERE tg.tgconstraint = n.oid ORDER BY 1),
                            n.name || ' triggers')
    FROM cons n, ext WHERE n.contype = 'f'
    UNION ALL
    -- each function: exists, member, signature, implementation, not SECURITY DEFINER, settings
    SELECT 7, f.name, k, CASE k
        WHEN 1 THEN format('has_function(%L::name, %L::name, %L::text)', ext.s, f.name, 'function ' || f.name)
        WHEN 2 THEN format('is(' || m.f || ', %L, %L)', 'pg_proc', f.oid, 'oid',
                           'flashcard_schema', f.name || ' is a member')
        WHEN 3 THEN format($f$is((SELECT pg_get_function_arguments(oid) || ' ' || pg_get_function_result(oid) FROM pg_proc WHERE oid = %L::oid), %L, %L)$f$,
                           f.oid, pg_get_function_arguments(f.oid) || ' ' || pg_get_function_result(f.oid), f.name || ' signature')
        WHEN 4 THEN format($f$is((SELECT l.lanname::text || ' ' || p.probin || ' ' || p.prosrc FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.oid = %L::oid), %L, %L)$f$,
                           f.oid, f.impl, f.name || ' implementation')
        WHEN 5 THEN format('isnt_definer(%L::name, %L::name, %L::text)', ext.s, f.name, f.name || ' is SECURITY INVOKER')
        ELSE format($f$is((SELECT proconfig::text FROM pg_proc WHERE oid = %L::oid), %L, %L)$f$,
                    f.oid, f.config, f.name || ' settings')
        END
    FROM (SELECT p.oid, p.proname::text AS name, p.proconfig::text AS config,
                 l.lanname::text || ' ' || p.probin || ' ' || p.prosrc AS impl
          FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang JOIN members m
            ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid) f,
         ext, member_sql m, generate_series(1, 6) k
    UNION ALL
    -- each event trigger: exists, member, enabled
    SELECT 8, e.evtname::text, k, CASE k
        WHEN 1 THEN format($f$ok(EXISTS (SELECT FROM pg_event_trigger WHERE evtname = %L), %L)$f$, e.evtname, 'event trigger ' || e.evtname)
        WHEN 2 THEN format('is(' || m.f || ', %L, %L)', 'pg_event_trigger', e.oid, 'oid',
                           'flashcard_schema', e.evtname || ' is a member')
        ELSE format($f$is((SELECT evtenabled::text FROM pg_event_trigger WHERE evtname = %L), %L, %L)$f$, e.evtname, e.evtenabled::text, e.evtname || ' firing as installed')
        END
    FROM pg_event_trigger e JOIN members mb ON mb.classid = 'pg_event_trigger'::regclass AND mb.objid = e.oid,
         member_sql m, generate_series(1, 3) k
    UNION ALL
    -- the extension's members but for its functions: no extra table or type
    SELECT 6, '', 1, format($f$is(ARRAY(SELECT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'flashcard_schema' AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND d.classid <> 'pg_proc'::regclass ORDER BY 1), %L::text[], %L)$f$,
                            ARRAY(SELECT pg_describe_object(m.classid, m.objid, 0) FROM members m WHERE m.classid <> 'pg_proc'::regclass ORDER BY 1),
                            'no extra members of flashcard_schema')
) a
ORDER BY o1, o2, o3, line;
SQL

NASSERT=$(wc -l <"$WORK/assertions")

# (a) the assertions as one server-side function: no client round trips
{
    echo 'CREATE FUNCTION pg_temp.pgtap_schema_checks() RETURNS SETOF text LANGUAGE plpgsql AS $body$'
    echo 'BEGIN'
    echo "    RETURN NEXT plan($NASSERT);"
    sed 's/^/    RETURN NEXT /; s/$/;/' "$WORK/assertions"
    echo '    RETURN QUERY SELECT * FROM finish();'
    echo 'END'
    echo '$body$;'
} >"$WORK/function.sql"

# (b) the assertions as an ordinary pgTAP test file, as pg_prove would run it
{
    echo 'BEGIN;'
    echo "SELECT plan($NASSERT);"
    sed 's/^/SELECT /; s/$/;/' "$WORK/assertions"
    echo 'SELECT * FROM finish();'
    echo 'ROLLBACK;'
} >"$WORK/pgtap_file.sql"

# Every generated assertion must pass on the fresh install, or we would be
# timing failures.
TAP=$("${PSQL[@]}" -At -f "$WORK/pgtap_file.sql" 2>&1) || true
PASSED=$(grep -c '^ok ' <<<"$TAP" || true)
FAILED=$((NASSERT - PASSED))
if [ "$FAILED" -ne 0 ]; then
    echo "bench_verify: $FAILED of $NASSERT generated pgTAP assertions fail on a fresh install:" >&2
    grep -v '^ok ' <<<"$TAP" | head -40 >&2
    exit 1
fi
NCHECKS=$("${PSQL[@]}" -At -c 'SELECT count(*) FROM flashcard_schema_verify()')
echo "== flashcard_schema $("${PSQL[@]}" -At -c 'SELECT flashcard_schema_revision()'): verify() makes $NCHECKS checks; the pgTAP equivalent is $NASSERT assertions (all pass)"

# ---------------------------------------------------------------------------
# The pg_tle flavor's verify() (SQL, tle/verify.plpgsql; docs/managed.md), made
# by tle/generate to check this install (the C flavor's contract) beside the
# C one: timed the same way when a C compiler and pg_config are at hand.
# ---------------------------------------------------------------------------
SQL_VERIFY=
if python3 "$(dirname "$0")/../../tle/generate" --pg-config "${PG_CONFIG:-pg_config}" \
        --verify-function tle_bench --contract c >"$WORK/sql_verify.sql" 2>"$WORK/sql_verify.err"; then
    "${PSQL[@]}" -c 'CREATE SCHEMA tle_bench' -f "$WORK/sql_verify.sql" \
        -c "ALTER FUNCTION tle_bench.flashcard_schema_verify(text) SET search_path = pg_catalog, public, pg_temp" >/dev/null
    SQL_VERIFY=1
else
    echo "(no timing of the SQL verify(): tle/generate failed: $(head -1 "$WORK/sql_verify.err"))"
fi

# ---------------------------------------------------------------------------
# Timing, all in one session (one backend).
# ---------------------------------------------------------------------------
# The backend's CPU time (user + system, /proc/PID/stat, when the server runs
# on this host), read around a timed CALL: on a busy machine a call's
# wall-clock time is mostly waiting for a core; its CPU time is not.
# cpu_mark WHAT before|after: psql lines that save the reading;
# cpu_ms WHAT CALLS: psql lines that set :WHAT_cpu, ms per call (0 if unread).
cpu_mark() {
    echo "\\! (awk '{print \$14 + \$15}' /proc/\$BENCH_PID/stat 2>/dev/null || echo 0) > $WORK/cpu_$1.$2"
}
cpu_ms() {
    echo "\\set $1_cpu \`echo \"\$(( (\$(cat $WORK/cpu_$1.after) - \$(cat $WORK/cpu_$1.before)) * 1000000 / $(getconf CLK_TCK) / $2 ))e-3\"\`"
}
{
    cat <<SQL
\\set QUIET 1
\\pset tuples_only on
\\pset format unaligned
SET client_min_messages = warning;
\\o /dev/null
\\i $WORK/function.sql
-- Time calls of a statement, each in a transaction of its own that is then
-- rolled back (as pg_prove's files do; pgTAP keeps its state in temporary
-- tables).  The ROLLBACK is not timed.  Returns milliseconds per call: the
-- mean, the median and the best (on a shared machine the mean carries the
-- other processes' bursts; the median is the typical call).
CREATE PROCEDURE pg_temp.bench(what text, calls int, INOUT ms float8 DEFAULT NULL,
                               INOUT med float8 DEFAULT NULL, INOUT best float8 DEFAULT NULL)
LANGUAGE plpgsql AS \$\$
DECLARE
    t0 timestamptz;
    total interval := '0';
    each float8[] := '{}';
BEGIN
    FOR i IN 1..calls LOOP
        t0 := clock_timestamp();
        IF what = 'verify' THEN
            PERFORM count(*) FROM flashcard_schema_verify();
        ELSIF what = 'sqlverify' THEN
            PERFORM count(*) FROM tle_bench.flashcard_schema_verify();
        ELSIF what = 'assert' THEN
            PERFORM flashcard_schema_assert();
        ELSE
            PERFORM count(*) FROM pg_temp.pgtap_schema_checks();
        END IF;
        total := total + (clock_timestamp() - t0);
        each := each || extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
        ROLLBACK;
    END LOOP;
    ms := extract(epoch FROM total) * 1000 / calls;
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), min(x) INTO med, best FROM unnest(each) x;
END
\$\$;
-- warm up: catalog caches, plans, pgTAP's own functions
CALL pg_temp.bench('verify', $WARMUP);
CALL pg_temp.bench('assert', $WARMUP);
CALL pg_temp.bench('pgtap', 3);
\\i $WORK/pgtap_file.sql
\\o
SELECT pg_backend_pid() AS pid \\gset
\\setenv BENCH_PID :pid
\\! cut -d' ' -f10 /proc/\$BENCH_PID/stat 2>/dev/null > $WORK/minflt2.before || true
$(cpu_mark verify before)
CALL pg_temp.bench('verify', $CALLS) \\gset verify_
$(cpu_mark verify after)
\\! cut -d' ' -f10 /proc/\$BENCH_PID/stat 2>/dev/null > $WORK/minflt2.after || true
CALL pg_temp.bench('assert', $CALLS) \\gset assert_
$(cpu_mark pgtap before)
CALL pg_temp.bench('pgtap', $RUNS) \\gset pgtap_
$(cpu_mark pgtap after)
SELECT extract(epoch FROM clock_timestamp()) AS t0 \\gset file_
\\o /dev/null
SQL
    for ((i = 0; i < RUNS; i++)); do echo "\\i $WORK/pgtap_file.sql"; done
    cat <<SQL
\\o
SELECT (extract(epoch FROM clock_timestamp()) - :file_t0) * 1000 / $RUNS AS ms \\gset file_
SELECT format('verify(): %s ms/call (%s calls; median %s, best %s); assert(): %s ms/call',
              round(:verify_ms::numeric, 3), $CALLS, round(:verify_med::numeric, 3), round(:verify_best::numeric, 3),
              round(:assert_ms::numeric, 3));
SELECT format('pgTAP, the same checks as %s assertions: %s ms/run in one server-side function (%s runs; median %s, best %s), %s ms/run as a psql test file',
              $NASSERT, round(:pgtap_ms::numeric, 1), $RUNS, round(:pgtap_med::numeric, 1), round(:pgtap_best::numeric, 1),
              round(:file_ms::numeric, 1));
SELECT format('ratio: %sx (pgTAP function / verify()), %sx (pgTAP file / verify())',
              round((:pgtap_ms / :verify_ms)::numeric), round((:file_ms / :verify_ms)::numeric));
SQL
    if [ -n "$SQL_VERIFY" ]; then
        cat <<SQL
\\o /dev/null
CALL pg_temp.bench('sqlverify', $WARMUP);
\\o
$(cpu_mark sql before)
CALL pg_temp.bench('sqlverify', $SQL_CALLS) \\gset sql_
$(cpu_mark sql after)
$(cpu_ms verify $CALLS)
$(cpu_ms pgtap $RUNS)
$(cpu_ms sql $SQL_CALLS)
SELECT CASE WHEN :sql_cpu > 0 THEN format('backend CPU time per call (from /proc, hardly touched by the load of other processes): C verify() %s ms, SQL verify() %s ms, pgTAP function %s ms; pgTAP function / SQL verify(): %sx',
              round(:verify_cpu::numeric, 3), round(:sql_cpu::numeric, 2), round(:pgtap_cpu::numeric, 1), round((:pgtap_cpu / :sql_cpu)::numeric, 1))
            ELSE '(no CPU times: the server is not on this host)' END;
SELECT format('pg_tle flavor, SQL verify(): %s ms/call (%s calls; median %s, best %s), %sx the C verify() (%sx by medians)',
              round(:sql_ms::numeric, 2), $SQL_CALLS, round(:sql_med::numeric, 2), round(:sql_best::numeric, 2),
              round((:sql_ms / :verify_ms)::numeric), round((:sql_med / :verify_med)::numeric));
SELECT format('ratio: pgTAP function / SQL verify(): %sx (%sx by medians), pgTAP file / SQL verify(): %sx',
              round((:pgtap_ms / :sql_ms)::numeric, 1), round((:pgtap_med / :sql_med)::numeric, 1),
              round((:file_ms / :sql_ms)::numeric, 1));
SELECT format('the issue''s target for the SQL verify(): at most 20 ms and at least 10x faster than pgTAP; this run, by median wall-clock time: %s ms, %sx: %s; by backend CPU time: %s',
              round(:sql_med::numeric, 2), round((:pgtap_med / :sql_med)::numeric, 1),
              CASE WHEN :sql_med <= 20 AND :pgtap_med / :sql_med >= 10 THEN 'met' ELSE 'not met' END,
              CASE WHEN :sql_cpu <= 0 THEN 'not measured'
                   ELSE format('%s ms, %sx: %s', round(:sql_cpu::numeric, 2), round((:pgtap_cpu / :sql_cpu)::numeric, 1),
                               CASE WHEN :sql_cpu <= 20 AND :pgtap_cpu / :sql_cpu >= 10 THEN 'met' ELSE 'not met' END) END);
SQL
    fi
} >"$WORK/timing.sql"
"${PSQL[@]}" -f "$WORK/timing.sql"
echo "verify() in the first backend after CREATE EXTENSION: $FIRST_MS ms/call$(faults minflt) (timing backend above$(faults minflt2))"

# ---------------------------------------------------------------------------
# Memory: in one fresh backend, the total of pg_backend_memory_contexts before
# and after MEM_CALLS calls, once the caches are warm.
# ---------------------------------------------------------------------------
"${PSQL[@]}" -At <<SQL
\\set QUIET 1
SET client_min_messages = warning;
DO \$\$ BEGIN
    FOR i IN 1..$WARMUP LOOP
        PERFORM count(*) FROM flashcard_schema_verify();
        PERFORM flashcard_schema_assert();
    END LOOP;
END \$\$;
SELECT sum(total_bytes) AS before FROM pg_backend_memory_contexts \\gset verify_
DO \$\$ BEGIN
    FOR i IN 1..$MEM_CALLS LOOP PERFORM count(*) FROM flashcard_schema_verify(); END LOOP;
END \$\$;
SELECT sum(total_bytes) AS after FROM pg_backend_memory_contexts \\gset verify_
SELECT sum(total_bytes) AS before FROM pg_backend_memory_contexts \\gset assert_
DO \$\$ BEGIN
    FOR i IN 1..$MEM_CALLS LOOP PERFORM flashcard_schema_assert(); END LOOP;
END \$\$;
SELECT sum(total_bytes) AS after FROM pg_backend_memory_contexts \\gset assert_
SELECT format('memory, verify() x%s after %s warm-up calls: %s bytes before, %s bytes after, growth %s bytes',
              $MEM_CALLS, $WARMUP, :verify_before, :verify_after, :verify_after - :verify_before);
SELECT format('memory, assert() x%s after %s warm-up calls: %s bytes before, %s bytes after, growth %s bytes',
              $MEM_CALLS, $WARMUP, :assert_before, :assert_after, :assert_after - :assert_before);
SQL
