#!/usr/bin/env bash
# matrix.sh: every test on every Debian PostgreSQL this project supports, each
# from the Debian package built and installed in a root of its own:
#   PostgreSQL 15  Debian 12 "bookworm"
#   PostgreSQL 16  Debian 12 "bookworm", 16.2 built from the vendored source
#   PostgreSQL 17  Debian 13 "trixie"
#   PostgreSQL 18  Debian "forky" (testing)
# For each: test/bin/mkroot.sh makes the root (debootstrap from this machine's
# Debian mirror, cached under $ROOTS), then test/bin/package_test.sh builds
# postgresql-NN-flashcard-schema with pg_buildext, installs it and runs the
# autopkgtest and test/bin/run.sh against it.  No Debian suite ships 16: for
# "bookworm/16" mkroot.sh builds it (test/bin/pg16.sh, with pgTAP; the build is
# kept in $ROOTS/cache) and package_test.sh, finding no server package to
# build against, runs test/bin/run.sh with INSTALL=source (make install).
# Without the vendored source, the 16 line says SKIP.  Prints one summary
# line per version and exits non-zero if any version fails.  Run as root.
#
#   SUITES="trixie forky"   only these suites (default: bookworm bookworm/16 trixie forky)
#   ROOTS=/var/tmp/...      where the roots are kept (reused when present)
#   FRESH=1                 make every root anew (the default when CI is set)
#   PGPORT=5444             the port of the throwaway servers
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SUITES=${SUITES:-bookworm bookworm/16 trixie forky}
ROOTS=${ROOTS:-/var/tmp/flashcard_schema-roots}
FRESH=${FRESH:-${CI:+1}}
LOGS=${LOGS:-$ROOTS/logs}
export PGPORT=${PGPORT:-5444}

[ "$(id -u)" -eq 0 ] || { echo "matrix.sh: run as root (debootstrap, chroot)" >&2; exit 2; }
mkdir -p "$ROOTS" "$LOGS"

# The figures a run prints: pg_regress's "All N tests passed" (15) or
# "# All N tests passed." (16+), then pg_prove's and prove's "Files=, Tests=".
summarize() {
    local log=$1 regress prove_files pgtap prove
    regress=$(grep -Eo '(All [0-9]+ tests passed|[0-9]+ of [0-9]+ tests failed)' "$log" | tail -1)
    case $regress in
        All*) regress=$(sed -E 's/All ([0-9]+) .*/\1\/\1/' <<<"$regress") ;;
        *' of '*) regress=$(awk '{print $3-$1 "/" $3}' <<<"$regress") ;;
        *) regress="?" ;;
    esac
    mapfile -t prove_files < <(grep -E '^Files=[0-9]+, Tests=[0-9]+' "$log" | sed -E 's/^Files=([0-9]+), Tests=([0-9]+).*/\1 \2/')
    pgtap=${prove_files[0]:-"? ?"}; prove=${prove_files[1]:-"? ?"}; cluster=${prove_files[2]:-"? ?"}
    # run.sh may run the multi-server tests in two turns (those without Citus
    # while it builds, then citus.t): one line each, added up
    local i files tests
    if [ ${#prove_files[@]} -gt 3 ]; then
        files=0 tests=0
        for ((i = 2; i < ${#prove_files[@]}; i++)); do
            files=$((files + ${prove_files[i]% *})); tests=$((tests + ${prove_files[i]#* }))
        done
        cluster="$files $tests"
    fi
    printf 'pg_regress %s, pgTAP %s files %s assertions, prove %s scripts %s assertions, multi-server %s scripts %s assertions%s' \
        "$regress" ${pgtap% *} ${pgtap#* } ${prove% *} ${prove#* } ${cluster% *} ${cluster#* } \
        "$(grep -q 'citus.t .*skipped' "$log" && echo ' (Citus skipped)')$(grep -q 'tle_\(routes\|both\).t .*skipped' "$log" && echo ' (pg_tle skipped)')"
}

# The Citus test builds Citus from its vendored source (test/bin/citus.sh),
# and the pg_tle flavor's tests build pg_tle from its own (test/bin/tle.sh);
# both are outside the checkout: each root gets a copy where those scripts
# look (/work/shared/vendor).  Without Citus's, or on 18, the Citus test
# skips; without pg_tle's, tle.sh fails under CI and says SKIP elsewhere.
VENDOR_SOURCES=()
for pattern in citus-*.tar.gz pg_tle-*.tar.gz; do
    for dir in ${CITUS_TARBALL:+"$(dirname "$CITUS_TARBALL")"} ${PG_TLE_TARBALL:+"$(dirname "$PG_TLE_TARBALL")"} \
        "$TOP/../shared/vendor" /work/shared/vendor; do
        if compgen -G "$dir/$pattern" >/dev/null; then
            VENDOR_SOURCES+=("$dir"/$pattern)
            break
        fi
    done
done

failed=0
summary=()
for suite in $SUITES; do
    # SUITE/16: that Debian suite with PostgreSQL 16 built from source
    case $suite in
    */*) from_source=${suite#*/}; debian=${suite%%/*} ;;
    *) from_source=; debian=$suite ;;
    esac
    root=$ROOTS/${suite//\//-}
    log=$LOGS/${suite//\//-}.log
    start=$(date +%s)
    : >"$log"
    if mount | grep -q " $root/"; then
        echo "matrix.sh: $root has file systems mounted; not touching it" >&2
        summary+=("$suite: root busy: FAIL"); failed=1; continue
    fi
    if [ -n "$FRESH" ] && [ -e "$root" ]; then
        rm -rf --one-file-system "$root"
    fi
    echo "== $suite: root $root (log $log)"
    mkroot_status=0
    major=$(PG16_CACHE_HOST=$ROOTS/cache bash "$HERE/mkroot.sh" "$debian" "$root" $from_source 2>>"$log" | tail -1) ||
        mkroot_status=$?
    if [ "$mkroot_status" -eq 3 ] && [ -n "$from_source" ]; then
        line="PG $from_source ($suite): $(grep -m1 '^SKIP: ' "$log")"
        echo "$line"; summary+=("$line"); continue
    fi
    if [ "$mkroot_status" -ne 0 ] || [ -z "$major" ]; then
        tail -30 "$log"
        summary+=("$suite: making the root failed: FAIL (see $log)"); failed=1; continue
    fi
    if [ ${#VENDOR_SOURCES[@]} -gt 0 ]; then
        mkdir -p "$root/work/shared/vendor" && cp "${VENDOR_SOURCES[@]}" "$root/work/shared/vendor/"
    fi
    made=$(date +%s)
    echo "== $suite: PostgreSQL $major, root ready in $((made - start)) s; building, installing and testing the package"
    if PG_MAJOR=$major bash "$HERE/inroot.sh" "$root" "$TOP" bash /src/test/bin/package_test.sh >>"$log" 2>&1; then
        verdict=PASS
    else
        verdict=FAIL; failed=1
        echo "---- $suite: what failed (the whole output is in $log)"
        grep -E '^(not ok|# Failed test|Failed [0-9]+/|test .* FAILED|.*tests failed|Result: FAIL|.*: error:|Error: )|\(Wstat: ' "$log" | head -60
    fi
    end=$(date +%s)
    line="PG $major ($suite): $(summarize "$log"): $verdict in $((end - made)) s (root $((made - start)) s)"
    echo "$line"
    summary+=("$line")
done

echo "== matrix summary"
printf '%s\n' "${summary[@]}"
passed=$(printf '%s\n' "${summary[@]}" | grep -c ': PASS in ' || true)
skipped=$(printf '%s\n' "${summary[@]}" | grep -c '): SKIP: ' || true)
echo "matrix: $passed passed, $skipped skipped, $((${#summary[@]} - passed - skipped)) failed"
exit $failed
