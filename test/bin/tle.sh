#!/usr/bin/env bash
# tle.sh: build and install pg_tle 1.5.2 for the server of $PG_CONFIG (default:
# pg_config on PATH), for the tests of the pg_tle flavor (test/t/tle_*.t,
# docs/managed.md).  No Debian suite packages pg_tle, so it is built from the
# vendored release tarball (see ../shared/vendor/README.md).  The tests start
# servers of their own with pg_tle in shared_preload_libraries
# (test/lib/tle_server.bash): installing it changes no running server.
#
# Idempotent: nothing is done when $(pg_config --pkglibdir)/pg_tle.so exists
# and the installed pg_tle.control has default_version '1.5.2'.
#
# The tarball is the first of: $PG_TLE_TARBALL, $TOP/../shared/vendor/,
# /work/shared/vendor/ (pg_tle-1.5.2.tar.gz); its sha256 must be the one
# below.  Without a tarball it prints one "SKIP: ..." line and exits 0 (the
# tests then skip, saying why), except under CI, where that is a failure.  Any
# other failure exits non-zero.
#
# Builds in $PG_TLE_BUILD_DIR (default /var/tmp/flashcard_schema-pg_tle/<major>,
# outside the repository), logs to build.log there and shows its tail on
# failure.  Installs the build dependencies (flex, Kerberos's headers) with
# apt-get when missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${TOP:-$(cd "$HERE/../.." && pwd)}
PG_CONFIG=${PG_CONFIG:-pg_config}
PG_TLE_VERSION=1.5.2
# sha256sum of pg_tle-1.5.2.tar.gz (git archive of tag v1.5.2, commit 5b953dd5)
PG_TLE_SHA256=4adfc063109da259a50e294a6010a9db1ca6cc3672fbe422042fc6f315813748

skip() {
    if [ -n "${CI:-}" ]; then
        echo "tle.sh: pg_tle $PG_TLE_VERSION cannot be installed under CI: $*" >&2
        exit 1
    fi
    echo "SKIP: pg_tle $PG_TLE_VERSION not installed: $*"
    exit 0
}

if ! command -v "$PG_CONFIG" >/dev/null 2>&1; then
    echo "tle.sh: no pg_config ($PG_CONFIG)" >&2
    exit 1
fi
major=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
pkglibdir=$("$PG_CONFIG" --pkglibdir)
control="$("$PG_CONFIG" --sharedir)/extension/pg_tle.control"

if [ -f "$pkglibdir/pg_tle.so" ] && [ -f "$control" ] &&
    grep -Eq "^default_version *= *'$PG_TLE_VERSION'" "$control"; then
    echo "== pg_tle $PG_TLE_VERSION is installed for PostgreSQL $major already ($pkglibdir/pg_tle.so)"
    exit 0
fi

tarball=
for candidate in ${PG_TLE_TARBALL:+"$PG_TLE_TARBALL"} \
    "$TOP/../shared/vendor/pg_tle-$PG_TLE_VERSION.tar.gz" \
    "/work/shared/vendor/pg_tle-$PG_TLE_VERSION.tar.gz"; do
    if [ -f "$candidate" ]; then tarball=$candidate; break; fi
done
[ -n "$tarball" ] || skip "no pg_tle-$PG_TLE_VERSION.tar.gz (set PG_TLE_TARBALL, or put it in ../shared/vendor/)"

sum=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$sum" != "$PG_TLE_SHA256" ]; then
    echo "tle.sh: $tarball has sha256 $sum, expected $PG_TLE_SHA256" >&2
    exit 1
fi

# run.sh builds in the background, after asking for sudo's password up front:
# it sets TLE_SUDO_NONINTERACTIVE, and sudo -n then fails instead of waiting.
if [ "$(id -u)" -eq 0 ]; then SUDO=()
elif [ -n "${TLE_SUDO_NONINTERACTIVE:-}" ]; then SUDO=(sudo -n)
else SUDO=(sudo); fi

# pg_tle's build dependencies: flex (its guc-file.l), Kerberos's headers (its
# client authentication hook includes libpq's), and the server headers of a
# Debian server (a server built from source, PostgreSQL 16, brings its own)
PACKAGES=(build-essential flex libkrb5-dev)
dpkg-query -S "$(command -v "$PG_CONFIG")" >/dev/null 2>&1 && PACKAGES+=("postgresql-server-dev-$major")
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing pg_tle's build dependencies: ${missing[*]}"
    # run.sh builds Citus and pg_tle side by side: one apt-get at a time
    # (a second one fails at once on apt's lock), through a lock of our own.
    flock "${TMPDIR:-/tmp}/flashcard_schema-apt.lock" "${SUDO[@]}" apt-get update -qq
    flock "${TMPDIR:-/tmp}/flashcard_schema-apt.lock" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${PG_TLE_BUILD_DIR:-/var/tmp/flashcard_schema-pg_tle/$major}
log=$build/build.log
rm -rf "$build/pg_tle-$PG_TLE_VERSION"
mkdir -p "$build"
: >"$log"
fail() {
    echo "tle.sh: $1 failed; the end of $log:" >&2
    tail -40 "$log" >&2
    exit 1
}

echo "== building pg_tle $PG_TLE_VERSION for PostgreSQL $major in $build (log $log)"
start=$(date +%s)
tar -xzf "$tarball" -C "$build"
src=$build/pg_tle-$PG_TLE_VERSION
make -C "$src" -j"${PG_TLE_JOBS:-2}" PG_CONFIG="$PG_CONFIG" >>"$log" 2>&1 || fail "make"
built=$(date +%s)
"${SUDO[@]}" make -C "$src" PG_CONFIG="$PG_CONFIG" install >>"$log" 2>&1 || fail "make install"
end=$(date +%s)
echo "== pg_tle $PG_TLE_VERSION installed for PostgreSQL $major: make $((built - start)) s, install $((end - built)) s"
