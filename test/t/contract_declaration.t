#!/bin/bash
# The declaration of the schema contract (contract/*.tsv) and its generator
# (contract/gen_contract.pl): the revisions are the control file's and have
# their scripts; the generator writes every fact and refuses a malformed
# declaration with the file, line and reason, leaving no output behind.
# No server.
. "$(dirname "$0")/../lib/tap_helpers.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
GEN="$TOP/contract/gen_contract.pl"

# The data lines of a declaration file (no comment, no header)
data_lines() { grep -v '^#' "$1" | grep -v '^$' | tail -n +2; }

default_version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TOP/flashcard_schema.control")
revisions=$(data_lines "$TOP/contract/revisions.tsv")
is "$(tail -n 1 <<<"$revisions")" "$default_version" \
    "the last revision of contract/revisions.tsv is the control file's default_version"

missing=
prev=
for r in $revisions; do
    if [ -n "$prev" ]; then
        for s in "flashcard_schema--$prev--$r.sql" "flashcard_schema--$r--$prev.sql"; do
            [ -f "$TOP/$s" ] || missing="$missing $s"
        done
    fi
    prev=$r
done
is "$missing" "" "each revision has its update and downgrade scripts from and to the one before"

# The generator on the declaration: every data line becomes one fact
perl "$GEN" "$TOP/contract" "$WORK/data.c" 2>"$WORK/err"
ok $? "the generator accepts the declaration"
want=0
for f in "$TOP"/contract/*.tsv; do
    [ "$(basename "$f")" = revisions.tsv ] && continue
    want=$((want + $(data_lines "$f" | wc -l)))
done
is "$(grep -c '^	{R' "$WORK/data.c")" "$want" "the generated C has one fact per data line of the declaration ($want)"
perl "$GEN" "$TOP/contract" "$WORK/again.c"
ok $? "a second run succeeds"
cmp -s "$WORK/data.c" "$WORK/again.c"
ok $? "the generated C is the same on every run"
is "$(grep -c '{R1_0, R1_2, "reviews", "quality", "reviewrating", true, NULL, NULL}' "$WORK/data.c")" 1 \
    "a fact that ends: reviews.quality as reviewrating, 1.0 to 1.2"
is "$(grep -c 'ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE | ACL_REFERENCES' "$WORK/data.c")" 1 \
    "privileges are written as AclMode bits"
perl "$GEN" --revisions "$TOP/contract" "$WORK/rev.h"
is "$(grep -c '^#define R' "$WORK/rev.h")" "$(wc -w <<<"$revisions")" "--revisions: one number per revision"

# The documentation's facts come from the same declaration
perl "$TOP/contract/gen_docs.pl" "$TOP/contract" "$WORK/facts.md"
ok $? "contract/gen_docs.pl accepts the declaration"
cmp -s "$WORK/facts.md" "$TOP/docs/contract-facts.md"
ok $? "docs/contract-facts.md is what the declaration makes of it (run make docs after changing contract/)"
for t in $(data_lines "$TOP/contract/tables.tsv" | cut -f3); do
    grep -q "^### $t (" "$WORK/facts.md" || missing_doc="$missing_doc $t"
done
is "${missing_doc:-}" "" "docs/contract-facts.md has a section for every table of the declaration"

# A malformed declaration: a copy with one line changed
bad() {
    local file=$1 from=$2 to=$3 want=$4 desc=$5
    rm -rf "$WORK/bad" && cp -r "$TOP/contract" "$WORK/bad"
    FROM=$from TO=$to perl -pi -e 'if (!$done && index($_, $ENV{FROM}) >= 0) { substr($_, index($_, $ENV{FROM}), length($ENV{FROM})) = $ENV{TO}; $done = 1 }' "$WORK/bad/$file"
    rm -f "$WORK/bad.c"
    perl "$GEN" "$WORK/bad" "$WORK/bad.c" 2>"$WORK/err"
    local rc=$?
    ok $((rc == 0)) "$desc: refused"
    is "$(sed "s|$WORK/bad/||" "$WORK/err")" "$want" "$desc: the message"
    ok $([ ! -e "$WORK/bad.c" ] && [ ! -e "$WORK/bad.c.tmp" ]; echo $?) "$desc: no output left behind"
}
line_of() { grep -n -m1 -F "$2" "$TOP/contract/$1" | cut -d: -f1; }

bad columns.tsv $'since\tuntil\ttable\tname' $'since\tuntil\ttbl\tname' \
    "columns.tsv: the header must be \"since	until	table	name	type	notnull	defval	comment\"" \
    "a header that is not the kind's fields"
l=$(line_of tables.tsv $'\tusers')
bad tables.tsv $'1.0\t\\N\tusers' $'1.9\t\\N\tusers' \
    "tables.tsv:$l: since \"1.9\" is not a revision of revisions.tsv" \
    "a since that is no revision"
l=$(line_of columns.tsv $'1.0\t1.2\treviews\tquality')
bad columns.tsv $'1.0\t1.2\treviews\tquality' $'1.3\t1.2\treviews\tquality' \
    "columns.tsv:$l: until 1.2 is before since 1.3" \
    "an until before its since"
l=$(line_of indexes.tsv $'ix_users_email\t')
bad indexes.tsv $'ix_users_email\ttrue' $'ix_users_email\tyes' \
    "indexes.tsv:$l: unique must be true or false" \
    "a boolean that is not true or false"
l=$(line_of indexes.tsv $'ix_users_email\t')
bad indexes.tsv $'ix_users_email\ttrue' $'ix_users_email' \
    "indexes.tsv:$l: 6 fields, the header has 7" \
    "a line with a field missing"
l=$(line_of table_grants.tsv $'1.3\t1.3')
bad table_grants.tsv 'SELECT,INSERT' 'SELECT,INSRT' \
    "table_grants.tsv:$l: unknown privilege in \"SELECT,INSRT,UPDATE,DELETE\"" \
    "a privilege that does not exist"
l=$(line_of constraints.tsv $'users_pkey\tp')
bad constraints.tsv $'users_pkey\tp' $'users_pkey\tx' \
    "constraints.tsv:$l: contype must be p, u or f" \
    "a constraint type that is not p, u or f"

l=$(line_of columns.tsv $'1.3\t\\N\treviews\tquality')
o=$(line_of columns.tsv $'1.0\t1.2\treviews\tquality')
bad columns.tsv $'1.3\t\\N\treviews\tquality' $'1.2\t\\N\treviews\tquality' \
    "columns.tsv:$l: overlaps the fact of line $o (both hold in 1.2): end one where the other begins" \
    "a change whose new fact begins before the old one ends"
l=$(line_of event_triggers.tsv $'1.3\t1.3\tflashcard_schema_drop_guard')
bad event_triggers.tsv $'1.3\t1.3\tflashcard_schema_drop_guard' $'1.4\t\\N\tflashcard_schema_drop_guard' \
    "event_triggers.tsv:$(line_of event_triggers.tsv $'1.4\t\\N\tflashcard_schema_drop_guard'): overlaps the fact of line $l (both hold in 1.4): end one where the other begins" \
    "the same fact declared twice"
l=$(line_of adopted_heads.tsv $'alembic-d606f59197e7\t1.3')
bad adopted_heads.tsv $'alembic-d606f59197e7\t1.3' $'alembic-d606f59197e7\t1.9' \
    "adopted_heads.tsv:$l: base \"1.9\" is not a revision of revisions.tsv" \
    "an adopted head whose base is no revision"
l=$(line_of adoption_differences.tsv $'no_type\treviewrating')
bad adoption_differences.tsv $'no_type\treviewrating' $'no_enum\treviewrating' \
    "adoption_differences.tsv:$l: kind must be default, no_label, no_type or no_index" \
    "an accepted difference of no known kind"

# make revision: a copy of the tree's control file, declaration and pgTAP directory
scaffold() {
    rm -rf "$WORK/tree" && mkdir -p "$WORK/tree/test/pgtap"
    cp "$TOP/flashcard_schema.control" "$WORK/tree/" && cp -r "$TOP/contract" "$WORK/tree/"
    cp "$TOP/flashcard_schema--$default_version--detached.sql" "$WORK/tree/"
}
scaffold
next=$(awk -F. '{ print $1 "." $2 + 1 }' <<<"$default_version")
sh "$TOP/contract/new_revision.sh" "$WORK/tree" "$next" >"$WORK/out" 2>"$WORK/err"
ok $? "make revision REVISION=$next: succeeds"
is "$(data_lines "$WORK/tree/contract/revisions.tsv" | tail -n 1)" "$next" "make revision: $next is the last revision"
is "$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$WORK/tree/flashcard_schema.control")" "$next" \
    "make revision: $next is the control file's default_version"
ok $([ -f "$WORK/tree/flashcard_schema--$default_version--$next.sql" ] &&
     [ -f "$WORK/tree/flashcard_schema--$next--$default_version.sql" ] &&
     [ -f "$WORK/tree/test/pgtap/contract_${next/./_}.sql" ]; echo $?) \
    "make revision: the update and downgrade stubs and the pgTAP contract file"
is "$(tail -n +2 "$WORK/tree/flashcard_schema--$next--detached.sql")" \
   "$(tail -n +2 "$TOP/flashcard_schema--$default_version--detached.sql")" \
   "make revision: the way out (--detached), a copy of $default_version's"
perl "$GEN" "$WORK/tree/contract" "$WORK/tree.c"
ok $? "make revision: the generator accepts the new declaration"
sh "$TOP/contract/new_revision.sh" "$WORK/tree" "$next" >/dev/null 2>"$WORK/err"
is "$?:$(cat "$WORK/err")" "1:make revision: revision $next is already in contract/revisions.tsv" \
    "make revision: the same revision again is refused"
scaffold
sh "$TOP/contract/new_revision.sh" "$WORK/tree" 0.9 >/dev/null 2>"$WORK/err"
is "$?:$(cat "$WORK/err")" "1:make revision: revision 0.9 does not come after $default_version" \
    "make revision: a revision before the latest is refused"
sh "$TOP/contract/new_revision.sh" "$WORK/tree" "" >/dev/null 2>"$WORK/err"
is "$?:$(cat "$WORK/err")" "2:usage: make revision REVISION=x.y" "make revision without REVISION: the usage"
diff -r "$TOP/contract" "$WORK/tree/contract" >/dev/null &&
    cmp -s "$TOP/flashcard_schema.control" "$WORK/tree/flashcard_schema.control" &&
    [ "$(cd "$WORK/tree" && find . -type f -name '*.sql' ! -name "flashcard_schema--$default_version--detached.sql")" = "" ]
ok $? "make revision: a refusal changes nothing and writes no file"

done_testing
