#!/usr/bin/env bash
# Every test: install dependencies, build and install the extension, then in
# one throwaway PostgreSQL server run the pg_regress suite (sql/, expected/),
# the pgTAP suite (test/pgtap/*.sql, with pg_prove) and the scripted tests
# (test/t/*.t, with prove).  Exits non-zero if anything fails.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cd "$TOP"
pg_virtualenv "${CLUSTER_OPTS[@]}" -v "$PG_MAJOR" bash -uo pipefail -c '
    status=0
    echo "== pg_regress (make installcheck)"
    if ! make -s PG_CONFIG="$PG_CONFIG" installcheck; then
        cat regression.diffs 2>/dev/null | head -200
        status=1
    fi
    echo "== pgTAP (pg_prove test/pgtap/*.sql)"
    createdb -E UTF8 -T template0 --lc-collate=C --lc-ctype=C pgtap_tests
    psql -X -q -d pgtap_tests -c "CREATE EXTENSION pgtap" || status=1
    pg_prove -d pgtap_tests test/pgtap/*.sql || status=1
    echo "== scripted tests (prove test/t/*.t)"
    prove test/t/*.t || status=1
    exit $status
'
