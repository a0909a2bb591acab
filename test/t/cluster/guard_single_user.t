#!/usr/bin/env perl
# test/t/cluster/guard_single_user.t: where the DROP guard cannot reach, as
# docs/security.md's threat model says: no event trigger fires in a server
# started in single-user mode, so a superuser there drops the extension with
# its rows; the same statement through the postmaster is refused.  From
# PostgreSQL 17, SET event_triggers = off does the same in a normal session.
#
# Needs PostgreSQL's TAP modules and a non-root user (initdb refuses root);
# test/bin/run.sh runs it as postgres from a temporary directory, with
# FLASHCARD_SCHEMA_TOP pointing at the repository.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('single_user');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE learn TEMPLATE template0 ENCODING UTF8');
$node->safe_psql('learn',
	"CREATE EXTENSION flashcard_schema; INSERT INTO users (email) VALUES ('eleni\@example.gr')");

my ($ret, $out, $err) = $node->psql('learn', 'DROP EXTENSION flashcard_schema');
like($err, qr/DROP EXTENSION would drop the tables of flashcard_schema with 1 row of data/,
	'through the postmaster a superuser\'s DROP EXTENSION is refused');

SKIP:
{
	skip 'event_triggers is a setting from PostgreSQL 17 on', 1 if $node->pg_version < 17;
	is($node->safe_psql('learn',
			"SET event_triggers = off; BEGIN; DROP EXTENSION flashcard_schema; "
			  . "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'; ROLLBACK;"),
		'0', 'PostgreSQL 17 on: with SET event_triggers = off a superuser\'s DROP EXTENSION goes ahead (rolled back here)');
}

$node->stop;
my ($sout, $serr) = ('', '');
my $bindir = $node->config_data('--bindir');
IPC::Run::run([ "$bindir/postgres", '--single', '-D', $node->data_dir, 'learn' ],
	'<', \"DROP EXTENSION flashcard_schema;\n", '>', \$sout, '2>', \$serr);
is($?, 0, 'single-user mode: DROP EXTENSION runs');
unlike($sout . $serr, qr/would drop the tables/, '... and no guard speaks');
$node->start;
is($node->safe_psql('learn', "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'")
	  . ' ' . $node->safe_psql('learn', "SELECT count(*) FROM pg_class WHERE relname = 'users'"),
	'0 0', 'the extension and its tables are gone: no event trigger fires in single-user mode');

$node->stop;
done_testing();
