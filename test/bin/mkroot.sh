#!/usr/bin/env bash
# mkroot.sh SUITE DIR: make a Debian SUITE (bookworm, trixie, forky, ...) root
# file system in DIR with debootstrap, from the Debian mirror this machine
# already uses, with the suite's own PostgreSQL server, its headers, pgTAP,
# pg_prove, the Debian packaging tools (pg_buildext, dpkg-buildpackage) and
# what test/t needs.  Prints the suite's PostgreSQL major version last.
# A DIR that already holds a finished root is only brought up to date.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SUITE DIR" >&2; exit 2; }
SUITE=$1 DIR=$2
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
