#!/bin/sh
# contract/new_revision.sh: start a new revision (make revision REVISION=x.y).
#
#   sh contract/new_revision.sh TOP NEW
#
# Appends NEW to contract/revisions.tsv, makes it the control file's
# default_version, and writes the stubs a revision needs: the update and
# downgrade scripts from and to the latest revision, its pgTAP contract file,
# and its way out of the extension (a copy of the latest one's --detached).  With no fact changed yet the new revision has the schema of the one
# before it; docs/adding-a-revision.md says what to fill in.  Refuses to
# overwrite anything.
set -eu

usage() { echo "usage: make revision REVISION=x.y" >&2; exit 2; }
[ $# -eq 2 ] || usage
top=$1 new=$2
case $new in
    *[!0-9.]* | .* | *. | *..* | "") usage ;;
    *.*) ;;
    *) usage ;;
esac

control="$top/flashcard_schema.control"
revisions="$top/contract/revisions.tsv"
prev=$(grep -v '^#' "$revisions" | grep -v '^$' | tail -n 1)
default=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$control")

fail() { echo "make revision: $*" >&2; exit 1; }
[ "$prev" = "$default" ] ||
    fail "the last revision of contract/revisions.tsv ($prev) is not the control file's default_version ($default)"
if grep -v '^#' "$revisions" | grep -qxF "$new"; then
    fail "revision $new is already in contract/revisions.tsv"
fi
# The new revision sorts after the latest one
[ "$(printf '%s\n%s\n' "$prev" "$new" | sort -t. -k1,1n -k2,2n | tail -n 1)" = "$new" ] ||
    fail "revision $new does not come after $prev"
up="$top/flashcard_schema--$prev--$new.sql"
down="$top/flashcard_schema--$new--$prev.sql"
pgtap="$top/test/pgtap/contract_$(echo "$new" | tr . _).sql"
detached_prev="$top/flashcard_schema--$prev--detached.sql"
detached="$top/flashcard_schema--$new--detached.sql"
for f in "$up" "$down" "$pgtap" "$detached"; do
    [ ! -e "$f" ] || fail "$f already exists"
done

cat >"$up" <<SQL
/* flashcard_schema--$prev--$new.sql: TODO what revision $new brings */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '$new'" to load this file. \\quit

-- Refuse what the schema cannot live with before anything is created (one
-- home for these checks: src/install_check.c).
CREATE FUNCTION @extschema@.flashcard_schema_check_install()
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_check_install'
LANGUAGE C
SET search_path = pg_catalog, @extschema@, pg_temp;
SELECT @extschema@.flashcard_schema_check_install();
DROP FUNCTION @extschema@.flashcard_schema_check_install();

------------------------------------------------------------------------------
-- Revision $new
------------------------------------------------------------------------------
-- TODO: the changes, each matching a fact that begins or ends at $new in
-- contract/*.tsv (docs/adding-a-revision.md: qualified names, bounded lock
-- waits, Citus-safe DDL).
SQL

cat >"$down" <<SQL
/* flashcard_schema--$new--$prev.sql: TODO what going back to $prev undoes */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '$prev'" to load this file. \\quit

------------------------------------------------------------------------------
-- Revision $new, undone
------------------------------------------------------------------------------
-- TODO: undo each change of flashcard_schema--$prev--$new.sql; refuse to
-- discard data unless flashcard_schema.allow_data_loss is on.
SQL

cat >"$pgtap" <<SQL
-- test/pgtap/contract_$(echo "$new" | tr . _).sql: CREATE EXTENSION flashcard_schema VERSION '$new'
-- yields exactly the schema of the contract (contract/*.tsv) at $new.
-- The facts come from the declaration through contract_facts.psql, the
-- assertions shared by every version from contract_common.psql; this file
-- adds what only $new has.
\\set QUIET 1
\\set ON_ERROR_STOP 1
\\pset format unaligned
\\pset tuples_only true
\\pset pager off
\\encoding UTF8
SET client_min_messages = warning;

\\set version $new

BEGIN;
\\ir ../lib/contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

SELECT no_plan();  -- finish() prints the plan: the count of what ran
\\ir ../lib/contract_common.psql

-- TODO: what only $new has, beyond the declaration's facts

SELECT * FROM finish();
ROLLBACK;
SQL

# The way out of the extension (docs/adoption.md): the one of the revision
# before, to be given the new revision's members
if [ -f "$detached_prev" ]; then
    {
        echo "/* flashcard_schema--$new--detached.sql: TODO the members of $new (a copy of $prev's way out) */"
        tail -n +2 "$detached_prev"
    } >"$detached"
fi

printf '%s\n' "$new" >>"$revisions"
sed -i "s/^default_version *= *'[^']*'/default_version = '$new'/" "$control"

cat <<MSG
Revision $new started after $prev:
  contract/revisions.tsv           $new appended
  flashcard_schema.control         default_version = '$new'
  $(basename "$up")   update stub
  $(basename "$down")   downgrade stub
  test/pgtap/$(basename "$pgtap")       contract test
MSG
[ ! -f "$detached" ] || echo "  $(basename "$detached") way out, a copy of $prev's"
cat <<MSG
Next (docs/adding-a-revision.md): the facts that begin (since $new) or end
(until $prev) in contract/*.tsv, the scripts' DDL, a full install script if
it adds enum labels, the routes in sql/identity.sql and sql/migrate.sql, the
data suites.
MSG
