#!/usr/bin/env bash
# mkroot.sh SUITE DIR: make a Debian SUITE (bookworm, trixie, forky, ...) root
# file system in DIR with debootstrap, from the Debian mirror this machine
# already uses, with the suite's own PostgreSQL server, its headers, pgTAP,
# pg_prove, the Debian packaging tools (pg_buildext, dpkg-buildpackage) and
# what test/t needs.  Prints the suite's PostgreSQL major version last.
# A DIR that already holds a finished root is only brought up to date.
#
# mkroot.sh SUITE DIR 16: the same root, but with PostgreSQL 16 built from the
# vendored source (test/bin/pg16.sh: no Debian suite ships 16) in place of
# the suite's own server; Debian's postgresql-common drives it.  The source
# tarball is copied into the root's /work/shared/vendor; the build is kept
# in $PG16_CACHE_HOST (when set) and reused by a root made anew.  Exits 3
# (after a "SKIP: ..." line) when the source is not there.
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 SUITE DIR [16]" >&2; exit 2; }
SUITE=$1 DIR=$2 FROM_SOURCE=${3:-}
case $FROM_SOURCE in '' | 16) ;; *) echo "mkroot.sh: only 16 is built from source, not $FROM_SOURCE" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "mkroot.sh: must run as root (debootstrap)" >&2; exit 2; }
if mount | grep -q " $(realpath -m "$DIR")/"; then
    echo "mkroot.sh: something is mounted under $DIR; refusing to touch it" >&2; exit 2
fi

# The mirror: the first non-security URI of the host's apt sources.
MIRROR=$(sed -n 's/^URIs: *\(\S*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
[ -n "$MIRROR" ] || MIRROR=$(sed -n 's/^deb \(\[[^]]*\] \)\?\(\S*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | grep -v security | head -1 || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

if [ ! -e "$DIR/.flashcard_schema-root" ]; then
    rm -rf --one-file-system "$DIR"
    mkdir -p "$DIR"
    # A suite newer than this debootstrap knows is built like sid.
    script=/usr/share/debootstrap/scripts/$SUITE
    [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
    echo "== debootstrap $SUITE from $MIRROR into $DIR"
    debootstrap --variant=minbase "$SUITE" "$DIR" "$MIRROR" "$script" >"$DIR.debootstrap.log" 2>&1 || {
        tail -20 "$DIR.debootstrap.log" >&2; exit 1; }
    echo "deb $MIRROR $SUITE main" >"$DIR/etc/apt/sources.list"
    # The testing suites' Release files may be past their Valid-Until.
    echo 'Acquire::Check-Valid-Until "false";' >"$DIR/etc/apt/apt.conf.d/99flashcard-schema"
    echo 'APT::Install-Recommends "false";' >>"$DIR/etc/apt/apt.conf.d/99flashcard-schema"
    # No service starts inside the root, and no default cluster is made.
    printf '#!/bin/sh\nexit 101\n' >"$DIR/usr/sbin/policy-rc.d"; chmod +x "$DIR/usr/sbin/policy-rc.d"
    mkdir -p "$DIR/etc/postgresql-common/createcluster.d"
    echo 'create_main_cluster = false' >"$DIR/etc/postgresql-common/createcluster.d/no-main.conf"
fi

if [ -n "$FROM_SOURCE" ]; then
    TOP=$(cd "$HERE/../.." && pwd)
    mkdir -p "$DIR/work/shared/vendor" "$DIR/var/cache/flashcard_schema"
    for dir in ${PG16_TARBALL:+"$(dirname "$PG16_TARBALL")"} "$TOP/../shared/vendor" /work/shared/vendor; do
        if [ -f "$dir/postgresql-16.2.tar.gz" ]; then
            cp "$dir/postgresql-16.2.tar.gz" "$DIR/work/shared/vendor/"
            break
        fi
    done
    if [ -n "${PG16_CACHE_HOST:-}" ] && compgen -G "$PG16_CACHE_HOST/postgresql-16.*.tar.gz" >/dev/null; then
        cp -p "$PG16_CACHE_HOST"/postgresql-16.*.tar.gz "$DIR/var/cache/flashcard_schema/"
    fi
    # postgresql-common without a packaged server; pg16.sh builds 16 and pgTAP.
    status=0
    "$HERE/inroot.sh" "$DIR" "$HERE/../.." bash -euo pipefail -c '
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq \
            postgresql-common postgresql-client-common libtap-parser-sourcehandler-pgtap-perl \
            build-essential python3 python3-sqlalchemy python3-alembic python3-psycopg2 \
            python3-asyncpg python3-greenlet libipc-run-perl libjson-pp-perl sudo >/dev/null
        bash /src/test/bin/pg16.sh
        apt-get clean
        echo 16 >/.flashcard_schema-pg-major
    ' >&2 || status=$?
    if [ -n "${PG16_CACHE_HOST:-}" ]; then
        mkdir -p "$PG16_CACHE_HOST"
        cp -p "$DIR"/var/cache/flashcard_schema/postgresql-16.*.tar.gz "$PG16_CACHE_HOST/" 2>/dev/null || true
    fi
    [ "$status" -eq 0 ] || exit "$status"
    touch "$DIR/.flashcard_schema-root"
    cat "$DIR/.flashcard_schema-pg-major"
    exit 0
fi

# The suite's PostgreSQL major is the one its "postgresql" metapackage depends on.
"$HERE/inroot.sh" "$DIR" "$HERE/../.." bash -euo pipefail -c '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    major=$(apt-cache depends postgresql | sed -n "s/^ *Depends: postgresql-\([0-9][0-9]*\)\$/\1/p" | head -1)
    [ -n "$major" ] || { echo "no PostgreSQL in this suite" >&2; exit 1; }
    apt-get install -y -qq \
        postgresql-$major postgresql-server-dev-$major postgresql-server-dev-all \
        postgresql-$major-pgtap libtap-parser-sourcehandler-pgtap-perl \
        build-essential debhelper dpkg-dev fakeroot \
        python3 python3-sqlalchemy python3-alembic python3-psycopg2 python3-asyncpg \
        python3-greenlet python3-pytest python3-pytest-xdist libipc-run-perl libjson-pp-perl sudo >/dev/null
    apt-get clean
    echo "$major" >/.flashcard_schema-pg-major
' >&2
touch "$DIR/.flashcard_schema-root"
cat "$DIR/.flashcard_schema-pg-major"
