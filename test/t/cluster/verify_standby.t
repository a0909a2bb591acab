#!/usr/bin/env perl
# test/t/cluster/verify_standby.t: on a hot standby, verify(), assert(),
# revision() and status() answer while the primary holds ACCESS EXCLUSIVE on
# every table of the extension (the lock is replayed on the standby, where a
# query that opens a table waits up to max_standby_streaming_delay, here
# forever).  A plain read of a table times out, so the lock is really there.
#
# Needs PostgreSQL's TAP modules (PostgreSQL::Test::Cluster, from
# postgresql-server-dev) and a non-root user: initdb refuses root.  Run by
# `make prove-cluster` (PGXS's TAP rule: the TAP modules and pg_regress of the
# server's PGXS directory); test/bin/run.sh runs that as the postgres user.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @tables = qw(users user_settings refresh_tokens decks cards
  user_deck_progress card_statistics reviews);
my $table_list = join(', ', @tables);
my $table_array = "ARRAY['" . join("', '", @tables) . "']";

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1, extra => [ '--locale=C.UTF-8', '--encoding=UTF8' ]);
$primary->start;
$primary->safe_psql('postgres', 'CREATE EXTENSION flashcard_schema');
$primary->backup('base');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
# Queries that conflict with replayed locks wait for ever: any wait shows as a timeout.
$standby->append_conf('postgresql.conf', 'max_standby_streaming_delay = -1');
$standby->start;
$primary->wait_for_catchup($standby, 'replay');

my $checks = $standby->safe_psql('postgres',
	'SELECT count(*) FILTER (WHERE ok) || \'/\' || count(*) FROM flashcard_schema_verify()');
like($checks, qr{^(\d+)/\1$}, "standby, no lock: every verify() check is ok ($checks)");
my $status = $standby->safe_psql('postgres', 'SELECT * FROM flashcard_schema_status()');

# The primary takes ACCESS EXCLUSIVE on the eight tables and keeps it.
my $migration = $primary->background_psql('postgres');
$migration->query_safe("BEGIN; LOCK TABLE $table_list IN ACCESS EXCLUSIVE MODE;");
ok( $standby->poll_query_until(
		'postgres',
		"SELECT count(*) = 8 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		  WHERE l.mode = 'AccessExclusiveLock' AND l.granted AND c.relname = ANY ($table_array)"),
	'the standby replays ACCESS EXCLUSIVE on all eight tables');

my ($ret, $out, $err) = $standby->psql('postgres',
	"SET statement_timeout = '1s'; SELECT count(*) FROM users");
like($err, qr/canceling statement due to statement timeout/,
	'standby, locked: reading users waits (cancelled by the 1s statement_timeout)');

($ret, $out, $err) = $standby->psql('postgres',
	"SET statement_timeout = '1s'; SELECT count(*) FILTER (WHERE ok) || '/' || count(*) FROM flashcard_schema_verify()");
is($ret, 0, 'standby, locked: verify() answers within the 1s statement_timeout');
is($out, $checks, 'standby, locked: verify() returns every check, all ok');

($ret, $out, $err) = $standby->psql('postgres',
	"SET statement_timeout = '1s'; SELECT flashcard_schema_assert()");
is($ret, 0, 'standby, locked: assert() is quiet within the 1s statement_timeout');
is($err, '', 'standby, locked: assert() raises nothing');

($ret, $out, $err) = $standby->psql('postgres',
	"SET statement_timeout = '1s'; SELECT * FROM flashcard_schema_status()");
is($ret, 0, 'standby, locked: status() answers within the 1s statement_timeout');
is($out, $status, 'standby, locked: status() says what it said without the lock');

($ret, $out, $err) = $standby->psql('postgres',
	"SET statement_timeout = '1s'; SELECT flashcard_schema_revision()");
is($ret, 0, 'standby, locked: revision() answers within the 1s statement_timeout');
like($out, qr/^\d+\.\d+$/, "standby, locked: revision() is $out");

$migration->query_safe('ROLLBACK');
$migration->quit;

done_testing();
