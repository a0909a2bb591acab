#!/usr/bin/env perl
# test/t/cluster/citus.t: flashcard_schema on a Citus 13.2 cluster, a
# coordinator and two workers (docs/citus.md).
#
#   a. CREATE EXTENSION flashcard_schema VERSION '1.0' on the coordinator
#      reaches both workers; fixture rows plus 200 generated learners;
#   b. every released update and downgrade step, run once on the coordinator
#      on local (not yet distributed) tables: the version moves on all three
#      nodes, verify() is clean on each, no row changes;
#   c. flashcard_schema_distribute(4): the five reference tables, the three
#      per-learner tables hash-distributed on user_id in one colocation group,
#      all still extension members, keys including user_id, rows unchanged,
#      verify() clean on every node;
#   d. drift is still caught on every node (a dropped foreign key, an extra index);
#   e. the app's due-cards queries for one learner run on one shard, by the due index;
#   f. deleting a deck (a reference table) or a learner cascades into every
#      shard, nothing orphaned; the ORM's way of deleting them (children by
#      id, then the parent) needs citus.multi_shard_modify_mode = sequential;
#   g. a downgrade below 1.3 refuses, changing nothing; the real 1.4 goes
#      down to 1.3 and up again on the distributed install (its columns on
#      the reference tables, its key and indexes), one command on the
#      coordinator each way; a test-only revision 1.5 (test/lib/citus_1_5,
#      put in place by run.sh) goes up from 1.4 and down with one command on
#      the coordinator, reaching every node and shard; the DROP guard counts
#      the rows on the shards;
#   h. distribute() refuses: a second time, without citus, with a worker
#      lacking the extension or holding rows of its own, refusing its check
#      (55000) or down (08006); without an argument
#      it makes 32 shards;
#   i. the application's ORM test (test/t/app_orm.t) passes on a distributed
#      database with sessions in sequential mode; without it, exactly deleting
#      a learner fails;
#   j. the application's own tables keyed into ours (a distributed one into
#      users, a reference one into decks with a decklevel column): cascades,
#      verify(), the DROP guard.
#
# Skips when Citus is not installed for this server (test/bin/citus.sh builds
# it).  Needs PostgreSQL's TAP modules and a non-root user.  Run by `make
# prove-cluster`, which sets FLASHCARD_SCHEMA_TOP to the repository;
# test/bin/run.sh runs that as postgres from a copy in a temporary directory.
use strict;
use warnings;

use Digest::MD5 qw(md5_hex);
use Time::HiRes qw(time);

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $top = $ENV{FLASHCARD_SCHEMA_TOP};
plan skip_all => 'FLASHCARD_SCHEMA_TOP is not set (the repository; make prove-cluster sets it)'
  unless $top && -f "$top/test/lib/fixture_rows.psql";
my $pkglibdir = `pg_config --pkglibdir`;
chomp $pkglibdir;
plan skip_all => "Citus is not installed for this server (no $pkglibdir/citus.so; test/bin/citus.sh builds it)"
  unless -f "$pkglibdir/citus.so";

my @reference = qw(users user_settings refresh_tokens decks cards);
my @distributed = qw(card_statistics reviews user_deck_progress);
my @tables = (@reference, @distributed);
my $table_array = "ARRAY['" . join("', '", @tables) . "']";
my $default_version = default_version();

# --- the cluster --------------------------------------------------------

my @nodes;
for my $name (qw(coordinator worker1 worker2))
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(extra => [ '--locale=C.UTF-8', '--encoding=UTF8' ]);
	$node->append_conf(
		'postgresql.conf', q{
shared_preload_libraries = 'citus'
max_prepared_transactions = 20
citus.node_conninfo = 'sslmode=prefer'
log_min_duration_statement = 300
});
	$node->start;
	push @nodes, $node;
}
my ($coord, @workers) = @nodes;

# citus_database(DB): DB (made on every node unless postgres) with the citus
# extension on each and the workers added to the coordinator's metadata.
sub citus_database
{
	my ($db) = @_;
	for my $node (@nodes)
	{
		$node->safe_psql('postgres', "CREATE DATABASE $db") if $db ne 'postgres';
		$node->safe_psql($db, 'CREATE EXTENSION citus');
	}
	$coord->safe_psql($db,
		sprintf("SELECT citus_set_coordinator_host('%s', %d)", $coord->host, $coord->port));
	$coord->safe_psql($db, sprintf("SELECT citus_add_node('%s', %d)", $_->host, $_->port))
	  for @workers;
	return;
}

# --- helpers ------------------------------------------------------------

# The extension's default version, from the control file (one home).
sub default_version
{
	open my $fh, '<', "$top/flashcard_schema.control" or die "control file: $!";
	while (<$fh>) { return $1 if /^\s*default_version\s*=\s*'([^']+)'/; }
	die 'no default_version in the control file';
}

# The installed version on each node, "c,w1,w2".
sub versions
{
	my ($db) = @_;
	return join ',', map {
		$_->safe_psql($db,
			"SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'), 'none')")
	} @nodes;
}

# The failing verify() rows on NODE, one line each, and the number of checks.
sub failing
{
	my ($node, $db) = @_;
	my $out = $node->safe_psql($db,
		q{SELECT concat_ws(' ', object_type, object_name, check_name, 'expected', expected, 'actual', actual)
		    FROM flashcard_schema_verify() WHERE NOT ok});
	my $checks = $node->safe_psql($db, 'SELECT count(*) FROM flashcard_schema_verify()');
	return ($checks, $out eq '' ? () : split /\n/, $out);
}

# verify() is clean on every node (and checks something).
sub verify_clean_everywhere
{
	my ($db, $what) = @_;
	for my $node (@nodes)
	{
		my ($checks, @bad) = failing($node, $db);
		ok($checks > 100 && !@bad, "$what: verify() clean on the " . $node->name . " ($checks checks)")
		  or diag(join("\n", "failing rows:", @bad));
	}
	return;
}

# Per-table digest of every row, "rows:md5": the rows as jsonb in id order,
# NULL columns left out (columns added later are NULL), decks.is_premium
# when false (1.4's default) and reviews.response_ms (test/lib/citus_1_5's
# column, a copy of time_taken) too, and reviews.quality as its 1.3 integer
# (AGAIN..EASY are 1..4 before 1.3), so that the same rows give the same
# digest at every version and in every layout.
sub digests
{
	my ($db) = @_;
	my %d;
	for my $t (@tables)
	{
		my $row = $t eq 'reviews'
		  ? "(to_jsonb(t) - 'response_ms') || jsonb_build_object('quality', coalesce(array_position("
		  . "ARRAY['AGAIN', 'HARD', 'GOOD', 'EASY'], t.quality::text), t.quality::text::int))"
		  : $t eq 'decks'
		  ? "to_jsonb(t) - (CASE WHEN to_jsonb(t) ->> 'is_premium' = 'false' THEN 'is_premium' ELSE '' END)"
		  : 'to_jsonb(t)';
		my $out = $coord->safe_psql($db, "SELECT jsonb_strip_nulls($row)::text FROM $t t ORDER BY t.id");
		my $n = $out eq '' ? 0 : 1 + ($out =~ tr/\n//);
		$d{$t} = "$n:" . md5_hex($out);
	}
	return \%d;
}

# psql on NODE expecting an error: (exit code, stderr) with the SQLSTATE shown.
sub psql_error
{
	my ($node, $db, $sql) = @_;
	my ($ret, $out, $err) = $node->psql($db, "\\set VERBOSITY verbose\n$sql");
	return ($ret, $err);
}

# distribute(DB, SHARDS): flashcard_schema_distribute(SHARDS) on the coordinator.
sub distribute
{
	my ($db, $shards) = @_;
	$coord->safe_psql($db, "SELECT flashcard_schema_distribute($shards)");
	return;
}

# Rows of the per-learner tables on the shards themselves (through
# run_command_on_shards), WHERE applied on each shard: the sum over shards.
sub on_shards
{
	my ($db, $table, $where) = @_;
	return $coord->safe_psql($db,
		"SELECT coalesce(sum(result::bigint), 0) FROM run_command_on_shards('$table',
		   \$cmd\$SELECT count(*) FROM %s WHERE $where\$cmd\$)");
}

# The 9 foreign keys as anti-joins: child rows whose parent is missing.
my @orphan_checks = (
	[ 'user_settings',      'user_id', 'users' ],
	[ 'refresh_tokens',     'user_id', 'users' ],
	[ 'cards',              'deck_id', 'decks' ],
	[ 'user_deck_progress', 'user_id', 'users' ],
	[ 'user_deck_progress', 'deck_id', 'decks' ],
	[ 'card_statistics',    'user_id', 'users' ],
	[ 'card_statistics',    'card_id', 'cards' ],
	[ 'reviews',            'user_id', 'users' ],
	[ 'reviews',            'card_id', 'cards' ]);

sub orphans
{
	my ($db) = @_;
	return join ',', map {
		my ($child, $col, $parent) = @$_;
		$coord->safe_psql($db,
			"SELECT count(*) FROM $child c LEFT JOIN $parent p ON p.id = c.$col WHERE p.id IS NULL");
	} @orphan_checks;
}

sub counts
{
	my ($db) = @_;
	return { map { $_ => $coord->safe_psql($db, "SELECT count(*) FROM $_") } @tables };
}

# --- a. CREATE EXTENSION at 1.0, rows -----------------------------------

citus_database('postgres');
my $db = 'postgres';
is( $coord->safe_psql($db, 'SELECT count(*) FROM citus_get_active_worker_nodes()'),
	2, 'the coordinator sees two active workers');

$coord->safe_psql($db, "CREATE EXTENSION flashcard_schema VERSION '1.0'");
is(versions($db), '1.0,1.0,1.0',
	"CREATE EXTENSION flashcard_schema VERSION '1.0' on the coordinator: 1.0 on all three nodes");

$coord->safe_psql($db, slurp_file("$top/test/lib/fixture_rows.psql"));
# 200 learners with settings and a token each, 5 decks of 10 cards; each
# learner studies about half of the cards (card_statistics), with two reviews
# each, and has progress in each deck it studies.
$coord->safe_psql(
	$db, q{
INSERT INTO users (id, email, full_name)
SELECT ('10000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
       'learner' || i || '@example.gr', 'Μαθητής ' || i
  FROM generate_series(1, 200) i;
INSERT INTO user_settings (user_id, daily_goal)
SELECT id, 10 + (hashtext(id::text) & 15) FROM users WHERE email LIKE 'learner%';
INSERT INTO refresh_tokens (user_id, token, expires_at)
SELECT id, 'rt-' || id, '2030-01-01 00:00:00+00' FROM users WHERE email LIKE 'learner%';
INSERT INTO decks (id, name, level)
SELECT ('20000000-0000-4000-8000-' || lpad(to_hex(d), 12, '0'))::uuid,
       'Generated deck ' || d, (ARRAY['A1', 'A2', 'B1', 'B2'])[1 + d % 4]::decklevel
  FROM generate_series(1, 5) d;
INSERT INTO cards (id, deck_id, front_text, back_text, order_index)
SELECT ('30000000-0000-4000-8000-' || lpad(to_hex(d * 100 + c), 12, '0'))::uuid,
       ('20000000-0000-4000-8000-' || lpad(to_hex(d), 12, '0'))::uuid,
       'λέξη ' || d || '.' || c, 'word ' || d || '.' || c, c
  FROM generate_series(1, 5) d, generate_series(1, 10) c;
INSERT INTO card_statistics (user_id, card_id, next_review_date, status, repetitions)
SELECT u.id, c.id, current_date + (hashtext(u.id::text || c.id::text) % 10),
       (ARRAY['NEW', 'LEARNING', 'REVIEW', 'MASTERED'])[1 + (hashtext(c.id::text || u.id::text) & 3)]::cardstatus,
       hashtext(c.id::text) & 7
  FROM users u, cards c
 WHERE u.email LIKE 'learner%' AND c.front_text LIKE 'λέξη %'
   AND hashtext(u.id::text || '/' || c.id::text) & 1 = 0;
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT s.user_id, s.card_id, (ARRAY['AGAIN', 'HARD', 'GOOD', 'EASY'])[1 + ((hashtext(s.id::text) & 1023) + k) % 4]::reviewrating,
       3 + k, '2025-01-01 12:00:00+00'::timestamptz + k * interval '1 day'
  FROM card_statistics s, generate_series(1, 2) k
 WHERE s.user_id::text LIKE '10000000-%';
INSERT INTO user_deck_progress (user_id, deck_id, cards_studied)
SELECT s.user_id, c.deck_id, count(*)
  FROM card_statistics s JOIN cards c ON c.id = s.card_id
 WHERE s.user_id::text LIKE '10000000-%'
 GROUP BY 1, 2;
ANALYZE;
});
my $base = digests($db);
diag(join ', ', map { "$_ $base->{$_}" =~ s/:.*//r } @tables);
ok($base->{card_statistics} =~ /^(\d+):/ && $1 > 1000 && $base->{reviews} =~ /^(\d+):/ && $1 > 2000,
	'a few thousand per-learner rows to distribute');

# --- b. every released step on local tables -----------------------------

for my $to ('1.1', '1.2', '1.3', '1.2', '1.1', '1.0', $default_version)
{
	my $from = $coord->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'");
	my $t0 = time;
	$coord->safe_psql($db, "ALTER EXTENSION flashcard_schema UPDATE TO '$to'");
	my $took = time - $t0;
	is(versions($db), join(',', ($to) x 3),
		sprintf('local tables, %s -> %s on the coordinator (%.2f s): %s on all three nodes', $from, $to, $took, $to));
	verify_clean_everywhere($db, "local tables at $to");
	is_deeply(digests($db), $base, "local tables at $to: every row unchanged (8 table digests)");
}

# --- c. distribute --------------------------------------------------------

my $t0 = time;
distribute($db, 4);
diag(sprintf('flashcard_schema_distribute(4) took %.2f s', time - $t0));

is_deeply(digests($db), $base, 'distributed: every row unchanged (8 table digests)');

is( $coord->safe_psql(
		$db, "SELECT string_agg(logicalrelid::regclass::text || ' ' || partmethod::text || repmodel::text, ', '
		                        ORDER BY logicalrelid::regclass::text)
		        FROM pg_dist_partition WHERE logicalrelid::regclass::text = ANY (ARRAY['"
		  . join("', '", @reference) . "'])"),
	join(', ', map { "$_ nt" } sort @reference),
	'users, user_settings, refresh_tokens, decks, cards are reference tables');
is( $coord->safe_psql(
		$db, "SELECT string_agg(logicalrelid::regclass::text || ' ' || partmethod::text || ' '
		                        || column_to_column_name(logicalrelid, partkey), ', '
		                        ORDER BY logicalrelid::regclass::text)
		           || ' / colocation groups: ' || count(DISTINCT colocationid)
		        FROM pg_dist_partition WHERE logicalrelid::regclass::text = ANY (ARRAY['"
		  . join("', '", @distributed) . "'])"),
	join(', ', map { "$_ h user_id" } sort @distributed) . ' / colocation groups: 1',
	'card_statistics, reviews, user_deck_progress are hash-distributed on user_id, colocated');
is( $coord->safe_psql(
		$db, q{SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'card_statistics'::regclass}),
	4, 'card_statistics has 4 shards');
is(on_shards($db, 'card_statistics', 'true') . ' ' . $coord->safe_psql($db,
		"SELECT count(*) FROM run_command_on_shards('card_statistics', 'SELECT count(*) FROM %s') WHERE result::int > 0"),
	($base->{card_statistics} =~ s/:.*//r) . ' 4',
	'the statistics rows are on the shards, every shard holding some');

# Limits docs/citus.md states: a reference table is a full copy on every node
# (so each write reaches all of them), and Citus's citus_tables view leaves
# out tables that belong to an extension.
is( $coord->safe_psql(
		$db, q{SELECT string_agg(result, ',') FROM run_command_on_placements('users',
		         $$SELECT count(*) FROM %s WHERE email = 'eleni@example.gr'$$)}),
	'1,1,1', 'a reference table has a placement on each of the three nodes, each with every row');
is( $coord->safe_psql($db,
		"SELECT (SELECT count(*) FROM citus_tables WHERE table_name::text = ANY ($table_array)) || ' of '
		     || (SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::regclass::text = ANY ($table_array))"),
	'0 of 8', 'citus_tables lists none of the eight (extension members), pg_dist_partition all');

for my $node (@nodes)
{
	is( $node->safe_psql(
			$db, "SELECT count(*) FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
			       WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
			         AND d.refclassid = 'pg_extension'::regclass
			         AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'flashcard_schema')
			         AND c.relkind = 'r' AND c.relname = ANY ($table_array)"),
		8, 'distributed: all eight tables are still extension members on the ' . $node->name);
	is( $node->safe_psql(
			$db, "SELECT string_agg(conrelid::regclass::text, ', ' ORDER BY conrelid::regclass::text)
			        FROM pg_constraint
			       WHERE contype = 'p' AND conrelid::regclass::text = ANY (ARRAY['"
			  . join("', '", @distributed) . "'])
			         AND (SELECT attnum FROM pg_attribute WHERE attrelid = conrelid AND attname = 'user_id')
			             = ANY (conkey)"),
		join(', ', sort @distributed),
		'distributed: the primary keys of the three per-learner tables include user_id on the ' . $node->name);
}
verify_clean_everywhere($db, 'distributed');

# --- d. drift is still caught ---------------------------------------------

my $fkdef = $coord->safe_psql($db,
	q{SELECT pg_get_constraintdef(oid) FROM pg_constraint
	   WHERE conname = 'reviews_user_id_fkey' AND conrelid = 'reviews'::regclass});
$coord->safe_psql($db, 'ALTER TABLE reviews DROP CONSTRAINT reviews_user_id_fkey');
for my $node (@nodes)
{
	my ($checks, @bad) = failing($node, $db);
	ok((grep { /reviews_user_id_fkey/ } @bad),
		'drift: reviews_user_id_fkey dropped on the coordinator, verify() reports it on the ' . $node->name)
	  or diag(join("\n", 'failing rows:', @bad));
}
$coord->safe_psql($db, "ALTER TABLE reviews ADD CONSTRAINT reviews_user_id_fkey $fkdef");
$coord->safe_psql($db, 'CREATE INDEX ix_extra_updated_at ON card_statistics (updated_at)');
for my $node (@nodes)
{
	my ($checks, @bad) = failing($node, $db);
	ok((grep { /ix_extra_updated_at/ } @bad),
		'drift: an extra index on card_statistics, verify() reports it on the ' . $node->name)
	  or diag(join("\n", 'failing rows:', @bad));
}
$coord->safe_psql($db, 'DROP INDEX ix_extra_updated_at');
verify_clean_everywhere($db, 'the foreign key put back, the extra index dropped');

# --- e. the due-cards query on one shard -----------------------------------

my $learner = $coord->safe_psql($db,
	q{SELECT user_id FROM card_statistics WHERE next_review_date <= current_date
	   GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1});
my $due_sql = "SELECT * FROM card_statistics
	 WHERE user_id = '$learner' AND next_review_date <= current_date
	   AND status IN ('NEW', 'LEARNING', 'REVIEW')
	 ORDER BY next_review_date LIMIT 20";
my $plan = $coord->safe_psql($db, "EXPLAIN (COSTS OFF) $due_sql");
like($plan, qr/Task Count: 1\n/, 'the due-cards query for one learner is one task (one shard)')
  or diag($plan);
like($plan, qr/(Bitmap Index Scan on|Index (Only )?Scan using) ix_card_statistics_user_due_cards/,
	'... which reads the shard by ix_card_statistics_user_due_cards')
  or diag($plan);
note($plan);
# The repository's get_due_cards as the app sends it (no status filter, no limit).
$plan = $coord->safe_psql($db,
	"EXPLAIN (COSTS OFF) SELECT * FROM card_statistics
	  WHERE user_id = '$learner' AND next_review_date <= current_date ORDER BY next_review_date");
like($plan, qr/Task Count: 1\n/, "the app's get_due_cards for one learner is one task too")
  or diag($plan);
is( $coord->safe_psql($db, "SELECT count(*) FROM ($due_sql) q"),
	$coord->safe_psql($db,
		"SELECT least(20, count(*)) FROM card_statistics WHERE user_id = '$learner'
		   AND next_review_date <= current_date AND status IN ('NEW', 'LEARNING', 'REVIEW')"),
	'... and returns that learner\'s due cards');

# --- f. cascades into every shard --------------------------------------------

my ($ret, $err);

my $before = counts($db);
my $deck = '20000000-0000-4000-8000-000000000001';
my %gone = (
	cards => $coord->safe_psql($db, "SELECT count(*) FROM cards WHERE deck_id = '$deck'"),
	card_statistics => $coord->safe_psql($db,
		"SELECT count(*) FROM card_statistics s JOIN cards c ON c.id = s.card_id WHERE c.deck_id = '$deck'"),
	reviews => $coord->safe_psql($db,
		"SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.deck_id = '$deck'"),
	user_deck_progress => $coord->safe_psql($db,
		"SELECT count(*) FROM user_deck_progress WHERE deck_id = '$deck'"),
	decks => 1);
my $deck_cards = join ', ', map { "'$_'" } split /\n/,
  $coord->safe_psql($db, "SELECT id FROM cards WHERE deck_id = '$deck'");
ok($gone{card_statistics} > 0 && $gone{reviews} > 0 && $gone{user_deck_progress} > 0,
	"the deck to delete has rows in every per-learner table ($gone{card_statistics} statistics, "
	  . "$gone{reviews} reviews, $gone{user_deck_progress} progress)");
$coord->safe_psql($db, "DELETE FROM decks WHERE id = '$deck'");
is_deeply(counts($db), { map { $_ => $before->{$_} - ($gone{$_} // 0) } @tables },
	'deleting a deck (reference table): exactly its cards, statistics, reviews and progress are gone');
is( join(',',
		on_shards($db, 'user_deck_progress', "deck_id = '$deck'"),
		map { on_shards($db, $_, "card_id IN ($deck_cards)") } qw(card_statistics reviews)),
	'0,0,0', '... none is left on any shard (counted on each shard)');
is(orphans($db), join(',', (0) x 9), '... no orphans (9 anti-joins)');

$before = counts($db);
my $user = '10000000-0000-4000-8000-000000000007';
my %mine = map {
	my $col = $_ eq 'users' ? 'id' : 'user_id';
	$_ => $coord->safe_psql($db, "SELECT count(*) FROM $_ WHERE $col = '$user'")
} qw(users user_settings refresh_tokens card_statistics reviews user_deck_progress);
ok($mine{card_statistics} > 0 && $mine{reviews} > 0 && $mine{user_deck_progress} > 0,
	"the learner to delete has rows in every per-learner table");
$coord->safe_psql($db, "DELETE FROM users WHERE id = '$user'");
is_deeply(counts($db), { map { $_ => $before->{$_} - ($mine{$_} // 0) } @tables },
	'deleting a learner: exactly its rows are gone (users, settings, tokens, statistics, reviews, progress)');
is(join(',', map { on_shards($db, $_, "user_id = '$user'") } @distributed), '0,0,0',
	'... none is left on any shard');
is(orphans($db), join(',', (0) x 9), '... no orphans (9 anti-joins)');

# What the app's ORM sends to delete a learner or a deck (relationships with
# cascade "all, delete-orphan"): each child row deleted by its id alone (which
# Citus sends to every shard, in parallel), then the parent, one transaction.
# Citus refuses the write to the reference table after parallel writes to the
# shards; in sequential mode (the setting the app must use) it goes through.
sub orm_delete
{
	my ($parent, $id, $sequential) = @_;
	my @children = $parent eq 'users'
	  ? map { [ $_, "user_id = '$id'" ] } qw(reviews card_statistics user_deck_progress user_settings refresh_tokens)
	  : (
		(map { [ $_, "card_id IN (SELECT id FROM cards WHERE deck_id = '$id')" ] } qw(reviews card_statistics)),
		[ 'user_deck_progress', "deck_id = '$id'" ],
		[ 'cards', "deck_id = '$id'" ]);
	my $sql = "BEGIN;\n";
	$sql .= "SET LOCAL citus.multi_shard_modify_mode = 'sequential';\n" if $sequential;
	for my $c (@children)
	{
		my ($table, $where) = @$c;
		$sql .= "DELETE FROM $table WHERE id = '$_';\n"
		  for split /\n/, $coord->safe_psql($db, "SELECT id FROM $table WHERE $where ORDER BY id");
	}
	$sql .= "DELETE FROM $parent WHERE id = '$id';\nCOMMIT;\n";
	return psql_error($coord, $db, $sql);
}
my $orm_user = '10000000-0000-4000-8000-000000000008';
my $orm_deck = '20000000-0000-4000-8000-0000000000ff';
# a small deck (one card studied by 10 learners) so that row-by-row stays quick
$coord->safe_psql($db, qq{
INSERT INTO decks (id, name, level) VALUES ('$orm_deck', 'ORM deck', 'A1');
INSERT INTO cards (id, deck_id, front_text, back_text) VALUES ('30000000-0000-4000-8000-0000000000ff', '$orm_deck', 'ένα', 'one');
INSERT INTO card_statistics (user_id, card_id) SELECT id, '30000000-0000-4000-8000-0000000000ff' FROM users WHERE email LIKE 'learner1_\@%';
INSERT INTO reviews (user_id, card_id, quality, time_taken) SELECT id, '30000000-0000-4000-8000-0000000000ff', 3, 5 FROM users WHERE email LIKE 'learner1_\@%';
INSERT INTO user_deck_progress (user_id, deck_id) SELECT id, '$orm_deck' FROM users WHERE email LIKE 'learner1_\@%';});
($ret, $err) = orm_delete('users', $orm_user, 0);
like($err, qr/ERROR:\s+\w+: cannot execute DML on table "users" because there was a parallel DML access to distributed table/,
	'the ORM\'s way of deleting a learner (children by id, then users) fails in Citus\'s default parallel mode')
  or diag($err);
($ret, $err) = orm_delete('decks', $orm_deck, 0);
like($err, qr/ERROR:\s+\w+: cannot execute DML on table "cards" because there was a parallel DML access to distributed table/,
	'... and so does its way of deleting a deck (statistics, reviews, progress by id, then cards, then decks)')
  or diag($err);
($ret, $err) = orm_delete('users', $orm_user, 1);
is($ret . $err, '0', 'with SET LOCAL citus.multi_shard_modify_mode = sequential, deleting the learner that way works');
($ret, $err) = orm_delete('decks', $orm_deck, 1);
is($ret . $err, '0', '... and deleting the deck that way too');
is(orphans($db), join(',', (0) x 9), '... no orphans (9 anti-joins)');
is($coord->safe_psql($db, "SELECT (SELECT count(*) FROM users WHERE id = '$orm_user') + (SELECT count(*) FROM decks WHERE id = '$orm_deck')
                            + (SELECT count(*) FROM card_statistics WHERE user_id = '$orm_user')"),
	0, '... both gone with their rows');

# --- g. a downgrade below 1.3 refuses ----------------------------------------

my $now = digests($db);
($ret, $err) = psql_error($coord, $db, "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'");
like($err, qr/ERROR:\s+55000: cannot downgrade flashcard_schema below 1\.3 while Citus distributes its tables/,
	'distributed: UPDATE TO 1.2 refuses (55000)')
  or diag($err);
is(versions($db), join(',', ($default_version) x 3), "... $default_version stays on all three nodes");
is_deeply(digests($db), $now, '... every row unchanged');
verify_clean_everywhere($db, 'after the refused downgrade');

# --- g1. the real 1.4 down and up on the distributed install -----------------

# 1.4's columns are on users, user_settings and decks, reference tables here:
# the scripts' DDL (through EXECUTE, idempotent) must reach every node, and
# the way down counts the rows on the coordinator only.
{
	my $placements = sub {    # every placement of a reference table has (1) or lacks (0) the columns
		my ($table, @cols) = @_;
		my $in = join ', ', map { "'$_'" } @cols;
		return $coord->safe_psql($db,
			"SELECT string_agg(DISTINCT result, ',') FROM run_command_on_placements('$table',
			   \$cmd\$SELECT (count(*) = " . scalar(@cols) . ")::int FROM pg_attribute WHERE attrelid = '%s'::regclass
			      AND attname IN ($in) AND NOT attisdropped\$cmd\$)");
	};
	my $t0 = time;
	$coord->safe_psql($db, "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'");
	is(versions($db), '1.3,1.3,1.3',
		sprintf('distributed: %s -> 1.3, one command on the coordinator (%.2f s): 1.3 on all three nodes',
			$default_version, time - $t0));
	is(join(' ', $placements->('users', 'auth0_id'), $placements->('decks', 'owner_id'),
			$placements->('user_settings', 'theme')),
		'0 0 0', '... 1.4\'s columns gone from every placement of users, decks and user_settings');
	verify_clean_everywhere($db, 'distributed, down at 1.3');
	is_deeply(digests($db), $now, '... every row unchanged');
	$t0 = time;
	$coord->safe_psql($db, "ALTER EXTENSION flashcard_schema UPDATE TO '$default_version'");
	is(versions($db), join(',', ($default_version) x 3),
		sprintf('distributed: 1.3 -> %s, one command on the coordinator (%.2f s): %s on all three nodes',
			$default_version, time - $t0, $default_version));
	is(join(' ', $placements->('users', 'auth0_id', 'avatar_url'), $placements->('decks', 'is_premium', 'owner_id'),
			$placements->('user_settings', 'preferred_language', 'theme')),
		'1 1 1', '... 1.4\'s columns on every placement of users, decks and user_settings');
	verify_clean_everywhere($db, "distributed, back at $default_version");
	is_deeply(digests($db), $now, '... every row unchanged');
}

# --- g2. a Citus-safe revision up and down on the distributed install -----------

# test/lib/citus_1_5: a test-only 1.4 <-> 1.5 pair written by the rules of
# docs/adding-a-revision.md; test/bin/run.sh installs it beside the real
# scripts for this test (the library knows no 1.5, so no verify() at 1.5).
my $sharedir = `pg_config --sharedir`;
chomp $sharedir;
SKIP:
{
	skip 'the test-only 1.5 scripts (test/lib/citus_1_5) are not installed', 9
	  unless -f "$sharedir/extension/flashcard_schema--1.4--1.5.sql";
	# On each shard: 1 when reviews has the column, and the rows where it is not time_taken.
	my $shards_have = sub {
		return $coord->safe_psql($db,
			q{SELECT string_agg(result, ',' ORDER BY shardid) FROM run_command_on_shards('reviews',
			    $$SELECT count(*) FROM pg_attribute WHERE attrelid = '%s'::regclass
			         AND attname = 'response_ms' AND NOT attisdropped$$)});
	};
	my $t0 = time;
	$coord->safe_psql($db, "ALTER EXTENSION flashcard_schema UPDATE TO '1.5'");
	is(versions($db), '1.5,1.5,1.5',
		sprintf('distributed: 1.4 -> 1.5 (test-only, Citus-safe), one command on the coordinator (%.2f s): 1.5 on all three nodes', time - $t0));
	is( join(',', map {
				$_->safe_psql($db,
					q{SELECT count(*) FROM pg_attribute WHERE attrelid = 'reviews'::regclass
					   AND attname = 'response_ms' AND NOT attisdropped})
			} @nodes) . ' / shards ' . $shards_have->(),
		'1,1,1 / shards 1,1,1,1',
		'... reviews.response_ms on the coordinator, both workers and every shard');
	is( $coord->safe_psql($db,
			q{SELECT string_agg(result, ',' ORDER BY shardid) FROM run_command_on_shards('reviews',
			    $$SELECT count(*) FROM pg_index WHERE indrelid = '%s'::regclass
			         AND position('ix_reviews_response_ms' in indexrelid::regclass::text) > 0$$)}),
		'1,1,1,1', '... its index on every shard');
	is( $coord->safe_psql($db,
			q{SELECT count(*) FILTER (WHERE response_ms IS DISTINCT FROM time_taken) || '/' || count(*) FROM reviews}),
		'0/' . $coord->safe_psql($db, 'SELECT count(*) FROM reviews'),
		'... filled from time_taken in every row, once (on the shards)');
	is_deeply(digests($db), $now, '... every other column of every row unchanged');

	$t0 = time;
	$coord->safe_psql($db, "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'");
	is(versions($db), join(',', ($default_version) x 3),
		sprintf('distributed: 1.5 -> 1.4, one command on the coordinator (%.2f s): 1.4 on all three nodes', time - $t0));
	is( join(',', map {
				$_->safe_psql($db,
					q{SELECT count(*) FROM pg_attribute WHERE attrelid = 'reviews'::regclass
					   AND attname = 'response_ms' AND NOT attisdropped})
			} @nodes) . ' / shards ' . $shards_have->(),
		'0,0,0 / shards 0,0,0,0',
		'... the column is gone from the coordinator, both workers and every shard');
	is_deeply(digests($db), $now, '... every row unchanged');
	my @bad = map { my ($n, @b) = failing($_, $db); @b } @nodes;
	is(scalar(@bad), 0, '... verify() clean on all three nodes')
	  or diag(join("\n", @bad));
}

# --- g3. the DROP guard counts the rows on the shards ---------------------------

# The coordinator's own tables are empty once distributed: the guard must
# count through Citus.
my $counts = counts($db);
my $total = 0;
$total += $_ for values %$counts;
($ret, $err) = psql_error($coord, $db, 'DROP EXTENSION flashcard_schema');
like($err, qr/ERROR:\s+55000: DROP EXTENSION would drop the tables of flashcard_schema with $total rows of data/,
	"distributed: DROP EXTENSION refuses, counting the $total rows on the shards and reference tables")
  or diag($err);
like($err, qr/reviews: $counts->{reviews} rows/, "... the detail names reviews' $counts->{reviews} rows")
  or diag($err);
is(versions($db) . ' ' . $coord->safe_psql($db, 'SELECT count(*) FROM reviews'),
	join(',', ($default_version) x 3) . " $counts->{reviews}", '... and drops nothing');

# --- h. distribute() refuses ---------------------------------------------------

{
	($ret, $err) = psql_error($coord, $db, 'SELECT flashcard_schema_distribute(4)');
	like($err, qr/ERROR:\s+55000: flashcard_schema is already distributed/,
		'distribute() a second time refuses (55000)')
	  or diag($err);

	$coord->safe_psql('postgres', 'CREATE DATABASE nocitus');
	$coord->safe_psql('nocitus', 'CREATE EXTENSION flashcard_schema');
	($ret, $err) = psql_error($coord, 'nocitus', 'SELECT flashcard_schema_distribute()');
	like($err, qr/ERROR:\s+55000: extension "citus" is not installed in this database/,
		'distribute() without the citus extension refuses (55000)')
	  or diag($err);

	citus_database('lacking');
	$coord->safe_psql('lacking', 'CREATE EXTENSION flashcard_schema');
	$workers[1]->safe_psql('lacking',
		'SET citus.enable_ddl_propagation TO off; DROP EXTENSION flashcard_schema');
	($ret, $err) = psql_error($coord, 'lacking', 'SELECT flashcard_schema_distribute()');
	my $where = sprintf('%s:%d', $workers[1]->host, $workers[1]->port);
	like($err, qr/ERROR:\s+55000: extension "flashcard_schema" is not installed on worker \Q$where\E/,
		"distribute() with a worker lacking the extension refuses (55000), naming it ($where)")
	  or diag($err);
	is($coord->safe_psql('lacking', 'SELECT count(*) FROM pg_dist_partition'),
		0, '... and distributes nothing');

	# A worker with rows in its own copy of a table: distributed tables would hide them.
	citus_database('rows_on_worker');
	$coord->safe_psql('rows_on_worker', 'CREATE EXTENSION flashcard_schema');
	$coord->safe_psql('rows_on_worker', "INSERT INTO decks (name, level) VALUES ('on the coordinator', 'A1')");
	$workers[0]->safe_psql('rows_on_worker', "INSERT INTO decks (name, level) VALUES ('written on a worker', 'A1')");
	($ret, $err) = psql_error($coord, 'rows_on_worker', 'SELECT flashcard_schema_distribute()');
	$where = sprintf('%s:%d', $workers[0]->host, $workers[0]->port);
	like($err, qr/ERROR:\s+55000: worker \Q$where\E holds 1 rows in its own copies of the tables of flashcard_schema/,
		"distribute() with rows in a worker's own tables refuses (55000), naming it")
	  or diag($err);
	is( $coord->safe_psql('rows_on_worker', 'SELECT count(*) FROM pg_dist_partition')
		  . ' ' . $coord->safe_psql('rows_on_worker', 'SELECT count(*) FROM decks'),
		'0 1', '... and distributes nothing, the coordinator\'s row still there');

	# A worker that runs distribute()'s check and refuses it (its copy of a
	# table is not where the coordinator's is): 55000, with the worker's answer.
	citus_database('refusing_worker');
	$coord->safe_psql('refusing_worker', 'CREATE EXTENSION flashcard_schema');
	$workers[0]->safe_psql('refusing_worker',
		'SET citus.enable_ddl_propagation TO off; ALTER TABLE reviews RENAME TO reviews_elsewhere');
	($ret, $err) = psql_error($coord, 'refusing_worker', 'SELECT flashcard_schema_distribute()');
	$where = sprintf('%s:%d', $workers[0]->host, $workers[0]->port);
	like($err, qr/ERROR:\s+55000: could not count the rows of flashcard_schema's tables on worker \Q$where\E\n/,
		"distribute() with a worker refusing its check refuses (55000, not a connection failure), naming it")
	  or diag($err);
	like($err, qr/DETAIL:\s+The worker answered: .*"public\.reviews" does not exist\.\n/,
		'... the detail gives the worker\'s answer, as a sentence')
	  or diag($err);
	is($coord->safe_psql('refusing_worker', 'SELECT count(*) FROM pg_dist_partition'),
		0, '... and distributes nothing');

	# A worker that cannot be reached: a connection failure (08006).
	$workers[1]->stop;
	($ret, $err) = psql_error($coord, 'refusing_worker', 'SELECT flashcard_schema_distribute()');
	$workers[1]->start;
	$where = sprintf('%s:%d', $workers[1]->host, $workers[1]->port);
	like($err, qr/ERROR:\s+08006: could not check flashcard_schema on worker \Q$where\E\n/,
		"distribute() with a worker down refuses as a connection failure (08006), naming it")
	  or diag($err);
}

# --- i. the application on a distributed database -----------------------------

# app_db(NAME, SHARDS): a fresh distributed database as the app's would be
# (SHARDS undef: distribute()'s default).
sub app_db
{
	my ($name, $shards) = @_;
	citus_database($name);
	$coord->safe_psql($name, 'CREATE EXTENSION flashcard_schema; CREATE EXTENSION "uuid-ossp"');
	if (defined $shards)
	{
		distribute($name, $shards);
	}
	else
	{
		my $t0 = time;
		$coord->safe_psql($name, 'SELECT flashcard_schema_distribute()');
		is( $coord->safe_psql($name,
				q{SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'card_statistics'::regclass}),
			32, sprintf('flashcard_schema_distribute() without an argument: 32 shards (%.2f s, empty tables)', time - $t0));
	}
	return $name;
}

# run_app(DB, SETTINGS): test/t/app_orm.t against DB on the coordinator; its TAP.
sub run_app
{
	my ($name, $settings) = @_;
	local $ENV{PGHOST} = $coord->host;
	local $ENV{PGPORT} = $coord->port;
	local $ENV{PGDATABASE} = 'postgres';
	local $ENV{APP_ORM_DATABASE} = $name;
	local $ENV{APP_ORM_SERVER_SETTINGS} = $settings;
	local $ENV{PYTHONDONTWRITEBYTECODE} = 1;
	my $t0 = time;
	my $out = `/usr/bin/python3 $top/test/t/app_orm.t 2>&1`;
	my $status = $? >> 8;
	return ($out, $status, time - $t0);
}

# jit = off: asyncpg introspects the enum types on each new connection
# (app_orm.t makes one per session), and on a server with Citus loaded that
# catalog query costs enough to be JIT-compiled: measured here 1.6-3.6 s per
# connection with jit on, 0.24-0.65 s with it off (a plain server: 0.13 s,
# 0.01 s).  With jit on, app_orm.t takes about 63 s here instead of ~10 s.
my $seq = 'citus.multi_shard_modify_mode=sequential,jit=off';
my ($out, $status, $took) = run_app(app_db('app_seq', 4), $seq);
my @not_ok = grep { /^not ok/ } split /\n/, $out;
my ($planned) = $out =~ /^1\.\.(\d+)$/m;
ok($status == 0 && !@not_ok && $planned && $planned > 30,
	sprintf('app_orm.t on a distributed database, sessions in sequential mode: %s tests pass (%.1f s)',
		$planned // '?', $took))
  or diag($out);

# Without the setting the app's ORM deletes a learner's children row by row
# (by id, in parallel across shards), then the learner from the reference
# table users, in one transaction: Citus refuses that.  Everything else works.
($out, $status, $took) = run_app(app_db('app_par', undef), 'jit=off');
@not_ok = grep { /^not ok/ } split /\n/, $out;
note($out);
# Two steps of app_orm.t delete a learner through the ORM: the January
# columns' step (a learner with decks of their own) and the cascade step.
is(join("\n", @not_ok), "not ok 44 - the January columns: ran to the end\nnot ok 46 - cascade: ran to the end",
	sprintf('app_orm.t without sequential mode (%.1f s): only the two deletions of a learner through the ORM fail', $took));
like($out, qr/cannot execute DML on table "users" because there was a parallel DML access to distributed table "(reviews|card_statistics|user_deck_progress)" in the same transaction/,
	'... because Citus refuses the write to users after parallel writes to the shards');

# --- j. the application's own tables keyed into ours (issue 17) ---------------
# On a distributed database: an app table hash-distributed on user_id in the
# per-learner tables' colocation group, keyed into the reference table users
# (ON DELETE CASCADE); an app reference table keyed into decks (ON DELETE SET
# NULL) with a decklevel column.  A learner's and a deck's deletion reach
# them on every shard; verify() stays clean on every node; the DROP guard
# still refuses.
my $adb = app_db('app_tables', 4);
$coord->safe_psql($adb, q{
	CREATE TABLE xp_transactions (
		id uuid NOT NULL DEFAULT gen_random_uuid(),
		user_id uuid NOT NULL,
		amount integer NOT NULL,
		PRIMARY KEY (user_id, id));
	SELECT create_distributed_table('xp_transactions', 'user_id', colocate_with => 'reviews');
	ALTER TABLE xp_transactions ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
	CREATE TABLE deck_reports (
		id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
		deck_id uuid,
		level decklevel NOT NULL);
	SELECT create_reference_table('deck_reports');
	ALTER TABLE deck_reports ADD FOREIGN KEY (deck_id) REFERENCES decks (id) ON DELETE SET NULL;
	INSERT INTO users (id, email) SELECT ('10000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid,
		'learner' || i || '@example.gr' FROM generate_series(1, 20) i;
	INSERT INTO decks (id, name, level) VALUES ('20000000-0000-4000-8000-000000000001', 'Λέξεις', 'C1');
	INSERT INTO xp_transactions (user_id, amount) SELECT id, 10 FROM users;
	INSERT INTO xp_transactions (user_id, amount) SELECT id, 5 FROM users;
	INSERT INTO deck_reports (deck_id, level) VALUES ('20000000-0000-4000-8000-000000000001', 'C1');
});
is($coord->safe_psql($adb, q{SELECT colocationid = (SELECT colocationid FROM pg_dist_partition
		WHERE logicalrelid = 'reviews'::regclass) FROM pg_dist_partition
		WHERE logicalrelid = 'xp_transactions'::regclass}),
	't', "the app's table distributed in the per-learner tables' colocation group");
$coord->safe_psql($adb, q{DELETE FROM users WHERE id = '10000000-0000-4000-8000-000000000007'});
is($coord->safe_psql($adb, q{SELECT count(*) || ' ' || count(*) FILTER (
		WHERE user_id = '10000000-0000-4000-8000-000000000007') FROM xp_transactions}),
	'38 0', "deleting a learner (reference table) cascades into the app's distributed table on its shard");
$coord->safe_psql($adb, q{DELETE FROM decks WHERE id = '20000000-0000-4000-8000-000000000001'});
is($coord->safe_psql($adb, q{SELECT count(*) FILTER (WHERE deck_id IS NULL) || ' ' || string_agg(level::text, ',') FROM deck_reports}),
	'1 C1', "deleting a deck sets the app's reference table's key to NULL, its decklevel value kept");
verify_clean_everywhere($adb, "with the app's tables keyed into ours");
($ret, $err) = psql_error($coord, $adb, 'DROP EXTENSION flashcard_schema CASCADE');
like($err, qr/ERROR:\s+55000: DROP EXTENSION would drop the tables of flashcard_schema/,
	"DROP EXTENSION ... CASCADE with the app's tables keyed into ours: the DROP guard refuses")
  or diag($err);
is($coord->safe_psql($adb, 'SELECT count(*) FROM xp_transactions'), '38', '... nothing dropped');

$_->stop for @nodes;
done_testing();
