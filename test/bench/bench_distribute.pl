#!/usr/bin/env perl
# test/bench/bench_distribute.pl: run by bench_distribute.sh (see there).
use strict;
use warnings;

# PostgreSQL::Test::Utils sends STDOUT to its log file: keep the terminal.
our $out;
BEGIN { open $out, '>&', \*STDOUT or die "dup STDOUT: $!"; $out->autoflush(1); }

use List::Util qw(sum);
use Time::HiRes qw(time);

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;

my ($rows, $shards, $rounds) = @ENV{qw(ROWS SHARDS ROUNDS)};
my @tables = qw(users user_settings refresh_tokens decks cards user_deck_progress card_statistics reviews);

my @nodes;
for my $name (qw(coordinator worker1 worker2))
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(extra => [ '--locale=C.UTF-8', '--encoding=UTF8' ]);
	$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'citus'
max_prepared_transactions = 20
log_statement = none
});
	$node->start;
	push @nodes, $node;
}
my ($coord, @workers) = @nodes;

sub median { my @v = sort { $a <=> $b } @_; return $v[ $#v / 2 ]; }

my (@dist, @copy, $total);
for my $round (1 .. $rounds)
{
	my $db = "bench$round";
	for my $node (@nodes)
	{
		$node->safe_psql('postgres', "CREATE DATABASE $db");
		$node->safe_psql($db, 'CREATE EXTENSION citus');
	}
	$coord->safe_psql($db, sprintf("SELECT citus_set_coordinator_host('%s', %d)", $coord->host, $coord->port));
	$coord->safe_psql($db, sprintf("SELECT citus_add_node('%s', %d)", $_->host, $_->port)) for @workers;
	$coord->safe_psql($db, 'CREATE EXTENSION flashcard_schema');
	my $stats = int($rows / 2);
	$coord->safe_psql($db, qq{
INSERT INTO users (email) SELECT format('learner%s\@example.gr', g) FROM generate_series(1, 10000) g;
INSERT INTO user_settings (user_id) SELECT id FROM users;
INSERT INTO refresh_tokens (user_id, token, expires_at) SELECT id, 'rt-' || id, now() + interval '30 days' FROM users;
INSERT INTO decks (name, level) SELECT format('deck %s', g), 'A1' FROM generate_series(1, 20) g;
INSERT INTO cards (deck_id, front_text, back_text)
    SELECT d.id, format('λέξη %s', g), format('word %s', g) FROM decks d, generate_series(1, 100) g;
CREATE TEMP TABLE u AS SELECT row_number() OVER () - 1 AS n, id FROM users;
CREATE TEMP TABLE c AS SELECT row_number() OVER () - 1 AS n, id, deck_id FROM cards;
INSERT INTO card_statistics (user_id, card_id)
    SELECT u.id, c.id FROM generate_series(0, $stats - 1) g
      JOIN u ON u.n = g % 10000 JOIN c ON c.n = (g / 10000) % 2000;
INSERT INTO reviews (user_id, card_id, quality, time_taken)
    SELECT user_id, card_id, 1 + k % 4, 5 FROM card_statistics, generate_series(1, 2) k;
INSERT INTO user_deck_progress (user_id, deck_id)
    SELECT DISTINCT s.user_id, c.deck_id FROM card_statistics s JOIN c ON c.id = s.card_id;
VACUUM ANALYZE;
});
	$total = sum map { $coord->safe_psql($db, "SELECT count(*) FROM $_") } @tables;

	my $t0 = time;
	$coord->safe_psql($db,
		join '', map { "CREATE TABLE copy_$_ (LIKE $_ INCLUDING DEFAULTS INCLUDING INDEXES);\n"
			  . "INSERT INTO copy_$_ SELECT * FROM $_;\n" } @tables);
	push @copy, time - $t0;
	$coord->safe_psql($db, join '', map { "DROP TABLE copy_$_;\n" } @tables);

	$t0 = time;
	$coord->safe_psql($db, "SELECT flashcard_schema_distribute($shards)");
	push @dist, time - $t0;
	printf {$out} "round %d: %d rows; distribute(%d) %.2f s, local copy %.2f s\n",
	  $round, $total, $shards, $dist[-1], $copy[-1];
}
printf {$out} "median of %d: %d rows (%d reviews), distribute(%d) %.2f s (%.0f rows/s), "
  . "local copy of the eight tables with their indexes %.2f s, ratio %.2f\n",
  $rounds, $total, $rows, $shards, median(@dist), $total / median(@dist), median(@copy),
  median(@dist) / median(@copy);
$_->stop for @nodes;
