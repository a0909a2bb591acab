# Sourced by test/bin/demo.sh and test/bin/run.sh: install what the project needs on
# Debian 12 (through sudo when not root), then build and install the extension.
# PG_MAJOR (default 15) picks the server; PG_CONFIG may point elsewhere.
# INSTALL=package skips the build and install: the tests then run against the
# extension as installed already (the Debian package postgresql-NN-flashcard-schema,
# as test/bin/matrix.sh does).
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PG_MAJOR TOP

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

# Debian packages: the server and its headers, the build tools, pgTAP and
# pg_prove, IPC::Run for PostgreSQL's TAP modules (the multi-server tests),
# SQLAlchemy/Alembic for the model comparison test, and asyncpg (with
# greenlet, which SQLAlchemy's asyncio layer needs) for the app's data layer test.
# pytest and pytest-xdist: the Alembic helper's tests and the app fixture's parallel workers.
# A server built from source (PostgreSQL 16: test/bin/pg16.sh) brings its own
# headers and pgTAP: only the version-independent packages are needed then.
PACKAGES=(
    postgresql-common
    build-essential libtap-parser-sourcehandler-pgtap-perl
    libipc-run-perl
    python3 python3-sqlalchemy python3-alembic python3-psycopg2 python3-asyncpg python3-greenlet
    python3-pytest python3-pytest-xdist
)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
if [ -x "$PG_CONFIG" ] && ! dpkg-query -S "$PG_CONFIG" >/dev/null 2>&1; then
    echo "== $PG_CONFIG belongs to no Debian package: using the server built from source"
else
    PACKAGES+=("postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "postgresql-$PG_MAJOR-pgtap")
fi
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# The throwaway clusters are UTF-8 whatever the machine's locale (a container
# often has none, and initdb would then make SQL_ASCII databases, which the
# extension refuses): pass these to pg_virtualenv.
CLUSTER_OPTS=(-c "--locale=C.UTF-8")

export PG_CONFIG
export PATH="$($PG_CONFIG --bindir):$PATH"

INSTALL=${INSTALL:-source}
case $INSTALL in
source)
    echo "== building and installing flashcard_schema for $($PG_CONFIG --version)"
    make -C "$TOP" -s PG_CONFIG="$PG_CONFIG"
    "${SUDO[@]}" make -C "$TOP" -s PG_CONFIG="$PG_CONFIG" install
    ;;
package)
    control="$($PG_CONFIG --sharedir)/extension/flashcard_schema.control"
    owner=$(dpkg-query -S "$control" 2>/dev/null | cut -d: -f1) || true
    if [ -z "$owner" ]; then
        echo "INSTALL=package: $control belongs to no Debian package" >&2
        exit 1
    fi
    echo "== testing flashcard_schema as installed by $owner $(dpkg-query -W -f='${Version}' "$owner") for $($PG_CONFIG --version)"
    ;;
*)
    echo "INSTALL must be source or package, not $INSTALL" >&2
    exit 2
    ;;
esac
