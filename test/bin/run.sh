#!/usr/bin/env bash
# Every test: install dependencies, build and install the extension, then in
# one throwaway PostgreSQL server run the pg_regress suite (sql/, expected/),
# the pgTAP suite (test/pgtap/*.sql, with pg_prove) and the scripted tests
# (test/t/*.t, with prove); then the multi-server tests (test/t/cluster/*.t:
# PostgreSQL::Test::Cluster, a primary and a hot standby of their own, run as
# the postgres user because initdb refuses root; among them citus.t, a Citus
# coordinator and two workers, with Citus built first by test/bin/citus.sh).
# Among the scripted tests, tle_routes.t and tle_both.t start servers of their
# own with pg_tle, built first by test/bin/tle.sh.  Exits non-zero if anything
# fails.
#
# Where the time goes, and what is done about it: Citus's build (about a minute
# and a half on 2 cores) runs beside the single-server tests, at a lower
# priority, since neither needs the other, and beside the multi-server tests
# that do not need Citus; the files of each kind run
# TEST_JOBS at a time (default 3; each file uses databases and roles of its
# own, and the slowest files mostly wait: on lock timeouts, on servers).
# Packages are installed only when missing (setup.sh), and Citus is built only
# when it is not installed already (citus.sh).  TEST_JOBS=1 runs one at a time.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cd "$TOP"
status=0
# Where the time goes, printed at the end (SECONDS counts from the start).
t_setup=$SECONDS
TEST_JOBS=${TEST_JOBS:-3}
export TEST_JOBS

# Citus for test/t/cluster/citus.t: builds and installs Citus 13.2.2 from
# ../shared/vendor once; prints "SKIP: ..." and leaves it out where there is no
# tarball or the server is not 15-17 (citus.t then skips itself, saying so).
# Its output is shown after the single-server tests.
CITUS_LOG=$(mktemp)
if [ "$(id -u)" -ne 0 ]; then
    # Ask for sudo's password now, in the foreground, if it is needed at all:
    # the build in the background uses sudo -n and never waits for one.
    sudo -v
    export CITUS_SUDO_NONINTERACTIVE=1 TLE_SUDO_NONINTERACTIVE=1
fi
echo "== Citus for test/t/cluster/citus.t (test/bin/citus.sh), beside the single-server tests"
nice -n 10 bash "$TOP/test/bin/citus.sh" >"$CITUS_LOG" 2>&1 &
CITUS_PID=$!

# pg_tle for the pg_tle flavor's tests (test/t/tle_routes.t, tle_both.t: servers
# of their own with pg_tle preloaded, test/lib/tle_server.bash): builds and
# installs pg_tle 1.5.2 from ../shared/vendor once (test/bin/tle.sh, about 15 s),
# beside pg_regress and pgTAP; the scripted tests wait for it.  Once it is
# installed FLASHCARD_SCHEMA_EXPECT_TLE=1 makes those tests fail, not skip, if
# they cannot use it; where tle.sh says SKIP (no tarball, outside CI) they
# skip, saying why.
TLE_LOG=$(mktemp)
TLE_STATUS=$(mktemp)
export TLE_LOG TLE_STATUS
echo "== pg_tle for test/t/tle_*.t (test/bin/tle.sh), beside pg_regress and pgTAP"
(bash "$TOP/test/bin/tle.sh" >"$TLE_LOG" 2>&1; echo $? >"$TLE_STATUS") &

pg_virtualenv "${CLUSTER_OPTS[@]}" -v "$PG_MAJOR" bash -uo pipefail -c '
    status=0
    echo "== pg_regress (make installcheck)"
    if ! make -s PG_CONFIG="$PG_CONFIG" installcheck; then
        cat regression.diffs 2>/dev/null | head -200
        status=1
    fi
    echo "== pgTAP (make pgtap: pg_prove test/pgtap/*.sql)"
    make -s PG_CONFIG="$PG_CONFIG" pgtap PGTAP_FLAGS="-j$TEST_JOBS" || status=1
    echo "== pg_tle for test/t/tle_*.t (test/bin/tle.sh): its output"
    while [ ! -s "$TLE_STATUS" ]; do sleep 1; done
    cat "$TLE_LOG"
    if [ "$(cat "$TLE_STATUS")" != 0 ]; then
        status=1
    elif ! grep -q "^SKIP: " "$TLE_LOG"; then
        export FLASHCARD_SCHEMA_EXPECT_TLE=1
    fi
    echo "== scripted tests (make prove: prove test/t/*.t)"
    make -s PG_CONFIG="$PG_CONFIG" prove PROVE_FLAGS="-j$TEST_JOBS" || status=1
    exit $status
' || status=1

# A test-only revision 1.5 of the application's changes of February and
# March 2026, made with make revision in a copy of the checkout
# (test/bin/next_revision.sh, about half a minute): its routes' identity, its
# refusals and its data both ways, in a private copy of the server.  Its
# expected files were reviewed on PostgreSQL 15; it copies the checkout's
# tracked files with git.
if [ "$PG_MAJOR" = 15 ] && command -v git >/dev/null && git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
    echo "== a test-only revision 1.5 made with make revision (test/bin/next_revision.sh)"
    bash "$TOP/test/bin/next_revision.sh" installcheck pgtap \
        "PGTAP_TESTS=test/pgtap/contract_1_5.sql test/pgtap/data_1_5.sql" || status=1
else
    echo "SKIP: test/bin/next_revision.sh (needs PostgreSQL 15, whose output its expected files are, and a git checkout)"
fi

t_single=$SECONDS
rm -f "$TLE_LOG" "$TLE_STATUS"

echo "== multi-server tests (make prove-cluster: prove test/t/cluster/*.t)"
# PostgreSQL::Test::Cluster runs initdb, which refuses root: as root, the
# tests run as postgres, from a directory of their own it can write.  What
# they read of the repository (the Makefile, the control file, test/) goes
# with them: the postgres user may not be able to read a clone in root's home.
CLUSTER_TMP=$(mktemp -d)
mkdir "$CLUSTER_TMP/top"
cp -r "$TOP/Makefile" "$TOP/flashcard_schema.control" "$TOP/test" "$CLUSTER_TMP/top/"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$CLUSTER_TMP"
    AS_TESTER=(runuser -u postgres --)
else
    AS_TESTER=()
fi
prove_cluster() {
    "${AS_TESTER[@]}" env PATH="$PATH" make -C "$CLUSTER_TMP/top" -s PG_CONFIG="$PG_CONFIG" prove-cluster \
        PROVE_FLAGS="-j$TEST_JOBS" PROVE_TESTS="$*" || status=1
}
CLUSTER_TESTS=$(cd "$TOP" && ls test/t/cluster/*.t | grep -v '/citus\.t$' | tr '\n' ' ')

# The other multi-server tests do not need Citus: while its build is still
# running they go first, and citus.t follows it.
t_citus_wait=0
if kill -0 "$CITUS_PID" 2>/dev/null; then
    echo "== ... those without Citus while Citus builds: $CLUSTER_TESTS"
    prove_cluster "$CLUSTER_TESTS"
    CLUSTER_TESTS=
fi
echo "== Citus for test/t/cluster/citus.t (test/bin/citus.sh): its output"
t0=$SECONDS
wait "$CITUS_PID" || status=1
t_citus_wait=$((SECONDS - t0))
cat "$CITUS_LOG"
rm -f "$CITUS_LOG"

# citus.t also takes a test-only revision 1.5 (test/lib/citus_1_5, written
# the Citus-safe way) up and down a distributed cluster: its two scripts sit
# beside the real ones while the multi-server tests run, and only then.
EXTDIR="$($PG_CONFIG --sharedir)/extension"
TEST_ONLY_SCRIPTS=()
remove_test_only_scripts() {
    if [ ${#TEST_ONLY_SCRIPTS[@]} -gt 0 ]; then
        "${SUDO[@]}" rm -f "${TEST_ONLY_SCRIPTS[@]}"
        TEST_ONLY_SCRIPTS=()
    fi
}
trap remove_test_only_scripts EXIT
if [ -f "$($PG_CONFIG --pkglibdir)/citus.so" ]; then
    for f in "$TOP"/test/lib/citus_1_5/flashcard_schema--*.sql; do
        if [ ! -e "$EXTDIR/${f##*/}" ]; then
            TEST_ONLY_SCRIPTS+=("$EXTDIR/${f##*/}")
            "${SUDO[@]}" install -m 644 "$f" "$EXTDIR/"
        fi
    done
fi
echo "== ${CLUSTER_TESTS}test/t/cluster/citus.t"
prove_cluster "${CLUSTER_TESTS}test/t/cluster/citus.t"
rm -rf "$CLUSTER_TMP"
remove_test_only_scripts
echo "== run.sh: $SECONDS s in all: set-up $t_setup s, single-server tests $((t_single - t_setup)) s" \
    "(Citus built beside them and the multi-server tests that do not need it), then waiting" \
    "for Citus $t_citus_wait s; multi-server tests and the wait $((SECONDS - t_single)) s; $TEST_JOBS files at a time"
exit $status
