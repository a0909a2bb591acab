#!/usr/bin/env perl
# test/t/cluster/replication.t: the schema, its rows and its checks hold
# across PostgreSQL replication, updated in the order docs/replication.md
# documents, and the wrong order fails the way it says
# and recovers the way it says.
#
# Four servers on this machine: a primary (publisher), its hot standby
# (streaming), and two logical subscribers of the primary's FOR ALL TABLES
# publication: "sub" is updated in the documented order at every step
# (before the primary for 1.0 -> 1.1, 1.1 -> 1.2 and 1.3 -> 1.4, which add
# columns and enum labels; after it for 1.2 -> 1.3, which changes the type of
# reviews.quality), "wrong" in the opposite order.  After every step, the
# per-table digests (count and md5 of every row in id order), revision() and
# the number of failing verify() checks agree on the servers that are
# caught up; "wrong" shows the documented error in its log, stops (a later
# row of another table does not arrive), and after the documented remedy has
# every row exactly once.  Also status() (in_recovery, publications,
# subscriptions, also for a role without privileges) and the update's
# WARNING / NOTICE, from the 1.2 -> 1.3 script and from the event trigger.
#
# Needs PostgreSQL's TAP modules (PostgreSQL::Test::Cluster) and a non-root
# user.  Run by `make prove-cluster`, with FLASHCARD_SCHEMA_TOP pointing at
# the repository (for test/lib/fixture_rows.psql); test/bin/run.sh runs that
# as the postgres user.
use strict;
use warnings;

use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $top = $ENV{FLASHCARD_SCHEMA_TOP} // "$FindBin::RealBin/../../..";
my $fixture = "$top/test/lib/fixture_rows.psql";
ok(-r $fixture, "fixture rows readable at $fixture");

my @tables = qw(users user_settings refresh_tokens decks cards
  user_deck_progress card_statistics reviews);
my @init = (extra => [ '--locale=C.UTF-8', '--encoding=UTF8' ]);

# One line per table: name, row count, md5 of every row (as text) in id order.
my $digest_sql = join(
	"\nUNION ALL ",
	map {
		"SELECT '$_' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) AS h FROM $_ x"
	} @tables);
$digest_sql = "SELECT string_agg(format('%s %s %s', t, n, h), E'\\n' ORDER BY t) FROM ($digest_sql) d";
my $facts_sql = "SELECT flashcard_schema_revision() || ' verify failures: ' || "
  . "(SELECT count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify())";

# --- the servers ------------------------------------------------------------
my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 'logical', @init);
$primary->start;
$primary->safe_psql('postgres', "CREATE EXTENSION flashcard_schema VERSION '1.0'");
$primary->backup('base');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->append_conf('postgresql.conf', 'max_standby_streaming_delay = 1s');
$standby->start;

my %subscribers;
for my $name (qw(sub wrong))
{
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(@init);
	# A failed apply worker is restarted after this interval
	$node->append_conf('postgresql.conf', 'wal_retrieve_retry_interval = 200ms');
	$node->start;
	$node->safe_psql('postgres', "CREATE EXTENSION flashcard_schema VERSION '1.0'");
	$subscribers{$name} = $node;
}
my ($sub, $wrong) = @subscribers{qw(sub wrong)};

$primary->safe_psql('postgres', PostgreSQL::Test::Utils::slurp_file($fixture));
$primary->safe_psql('postgres', 'CREATE PUBLICATION pub FOR ALL TABLES');
my $publisher_connstr = $primary->connstr . ' dbname=postgres';
for my $name (qw(sub wrong))
{
	$subscribers{$name}->safe_psql('postgres',
		"CREATE SUBSCRIPTION ${name}_sub CONNECTION '$publisher_connstr' PUBLICATION pub");
	$subscribers{$name}->wait_for_subscription_sync($primary, "${name}_sub");
}

# Wait until the named servers have everything the primary has, then compare.
sub agree
{
	my ($label, @names) = @_;
	my %node = (standby => $standby, %subscribers);

	for my $name (@names)
	{
		if ($name eq 'standby') { $primary->wait_for_catchup($standby, 'replay'); }
		else                    { $primary->wait_for_catchup("${name}_sub"); }
	}
	my $digest = $primary->safe_psql('postgres', $digest_sql);
	my $facts = $primary->safe_psql('postgres', $facts_sql);
	like($facts, qr/ verify failures: 0$/, "$label: primary: $facts");
	for my $name (@names)
	{
		is($node{$name}->safe_psql('postgres', $digest_sql),
			$digest, "$label: $name has the primary's rows, each once");
		is($node{$name}->safe_psql('postgres', $facts_sql),
			$facts, "$label: $name: $facts");
	}
}

# The next entries of a server's log, from now on
sub log_position { return -s $_[0]->logfile; }

# Whether a server has a row of this id in this table
sub has_row
{
	my ($node, $table, $id) = @_;
	return $node->safe_psql('postgres', "SELECT count(*) FROM $table WHERE id = '$id'");
}

agree('at 1.0', qw(standby sub wrong));

# --- 1.0 -> 1.1: new columns users.last_login_at, last_login_ip ---------------
# Documented: subscribers first.  "wrong" stays behind.
my ($ret, $out, $err);
$sub->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'");
$primary->safe_psql('postgres',
	"INSERT INTO users (id, email) VALUES ('a1000000-0000-4000-8000-000000000001', 'before\@example.com')");
$primary->wait_for_catchup('sub_sub');
is(has_row($sub, 'users', 'a1000000-0000-4000-8000-000000000001'),
	'1', 'subscriber at 1.1, publisher at 1.0: a new user arrives');

# A standby transaction that has read users holds a lock the update's
# ACCESS EXCLUSIVE conflicts with: after max_standby_streaming_delay (1s
# here) the standby ends it, and replay goes on.
my $reader = $standby->background_psql('postgres', on_error_stop => 0);
$reader->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM users;');
my $standby_pos = log_position($standby);
my $pos = log_position($wrong);
$primary->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'");
$standby->wait_for_log(qr/conflict with recovery\n.*DETAIL:  User was holding a relation lock for too long/,
	$standby_pos);
pass('the update\'s lock on users ends a standby transaction that read users (conflict with recovery)');
eval { $reader->quit; };
$primary->safe_psql('postgres',
	"INSERT INTO users (id, email, last_login_at, last_login_ip) VALUES "
	  . "('a1000000-0000-4000-8000-000000000002', 'login\@example.com', '2024-05-01 10:00:00+00', '192.0.2.1')");
$primary->safe_psql('postgres',
	"INSERT INTO decks (id, name, level) VALUES ('d1000000-0000-4000-8000-000000000001', 'after the login', 'A1')");
agree('1.0 -> 1.1 in the documented order', qw(standby sub));

# Wrong order: the publisher has the new columns, this subscriber not.
$pos = $wrong->wait_for_log(
	qr/logical replication target relation "public\.users" is missing replicated columns: "last_login_at", "last_login_ip"/,
	$pos);
pass('1.1 publisher before its subscriber: the apply worker stops at the first users row (missing replicated columns)');
is(has_row($wrong, 'decks', 'd1000000-0000-4000-8000-000000000001'),
	'0', 'while it is stopped, rows of the other tables do not arrive either');
$wrong->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'");
agree('1.0 -> 1.1, the late subscriber updated: replication resumed by itself', qw(wrong));

# --- 1.1 -> 1.2: new decklevel labels C1, C2 --------------------------------
$sub->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'");
$pos = log_position($wrong);
$primary->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'");
$primary->safe_psql('postgres',
	"INSERT INTO decks (id, name, level) VALUES ('d1200000-0000-4000-8000-000000000001', 'Προχωρημένο', 'C1')");
$primary->safe_psql('postgres',
	"INSERT INTO users (id, email) VALUES ('a1200000-0000-4000-8000-000000000001', 'after-c1\@example.com')");
agree('1.1 -> 1.2 in the documented order', qw(standby sub));

$pos = $wrong->wait_for_log(qr/invalid input value for enum (public\.)?decklevel: "C1"/, $pos);
pass('1.2 publisher before its subscriber: the apply worker stops at the C1 deck (invalid input value for enum)');
is(has_row($wrong, 'users', 'a1200000-0000-4000-8000-000000000001'),
	'0', 'while it is stopped, rows of the other tables do not arrive either');
$wrong->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'");
agree('1.1 -> 1.2, the late subscriber updated: replication resumed by itself', qw(wrong));

# --- 1.2 -> 1.3: reviews.quality reviewrating -> integer ---------------------
# Documented: the publisher first.  "wrong" goes first this time.
($ret, $out, $err) = $wrong->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'");
is($ret, 0, 'the subscriber "wrong" updates to 1.3 first');
like($err, qr/WARNING:  this database subscribes to tables of flashcard_schema through subscription "wrong_sub"\n/,
	'update to 1.3 on a subscriber: a WARNING names its subscription');
like($err, qr/DETAIL:  The publisher must be updated to 1\.3 before this server: this update changes column "reviews\.quality"/,
	'the detail says why the publisher goes first for this step');
like($err, qr/HINT:  Update the publisher first, then this server\./, 'the hint gives the order');
unlike($err, qr/published by/, 'nothing about publications on a server that publishes nothing');

$pos = log_position($wrong);
$primary->safe_psql('postgres',
	"INSERT INTO reviews (id, user_id, card_id, quality, time_taken) VALUES "
	  . "('f1300000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', "
	  . "'e0000000-0000-4000-8000-000000000001', 'GOOD', 4200)");
$pos = $wrong->wait_for_log(qr/invalid input syntax for type integer: "GOOD"/, $pos);
pass('1.3 subscriber before its publisher: the apply worker stops at the next review written as GOOD');

my $subpos = log_position($sub);
($ret, $out, $err) = $primary->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'");
is($ret, 0, 'the publisher updates to 1.3');
like($err, qr/WARNING:  tables of flashcard_schema are published by publication "pub"\n/,
	'update to 1.3 on a publisher: a WARNING names the publication');
like($err, qr/DETAIL:  This server must be updated to 1\.3 before its subscribers: this update changes column "reviews\.quality"/,
	'the detail says why the publisher goes first for this step');
like($err, qr/HINT:  Update this server, then every subscriber\./, 'the hint gives the order');
$primary->safe_psql('postgres',
	"INSERT INTO reviews (id, user_id, card_id, quality, time_taken) VALUES "
	  . "('f1300000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', "
	  . "'e0000000-0000-4000-8000-000000000002', 5, 900)");
$primary->wait_for_catchup($standby, 'replay');
$sub->wait_for_log(qr/invalid input value for enum (public\.)?reviewrating: "5"/, $subpos);
pass('1.3 publisher first (documented): the 1.2 subscriber waits at the first score written as an integer');
($ret, $out, $err) = $sub->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'");
is($ret, 0, 'then the subscriber "sub" updates to 1.3');
like($err, qr/WARNING:  this database subscribes to tables of flashcard_schema through subscription "sub_sub"\n/,
	'and is told it subscribes');
agree('1.2 -> 1.3 in the documented order', qw(standby sub));

# "wrong" cannot take the GOOD row at 1.3: back to 1.2, which takes it, then
# (stopped at the score 5 written after the publisher's update) to 1.3 again.
$pos = log_position($wrong);
($ret, $out, $err) = $wrong->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'");
is($ret, 0, 'the subscriber stopped at a GOOD review goes back to 1.2');
like($err, qr/WARNING:  this database subscribes to tables of flashcard_schema through subscription "wrong_sub"\n.*HINT:  Update the publisher first, then this server\./s,
	'the downgrade warns too, through the event trigger: the publisher first');
$wrong->wait_for_log(qr/invalid input value for enum (public\.)?reviewrating: "5"/, $pos);
is(has_row($wrong, 'reviews', 'f1300000-0000-4000-8000-000000000001'),
	'1', 'at 1.2 it took the GOOD review, and stopped at the score 5');
$wrong->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'");
agree('1.2 -> 1.3, the subscriber updated first recovered through 1.2', qw(standby sub wrong));

# --- status() ------------------------------------------------------------------
my $status_sql = 'SELECT in_recovery, publications, subscriptions FROM flashcard_schema_status()';
is($primary->safe_psql('postgres', $status_sql), 'f|{pub}|{}', 'status() on the primary: publishes to pub');
is($standby->safe_psql('postgres', $status_sql), 't|{pub}|{}', 'status() on the standby: in recovery');
is($sub->safe_psql('postgres', $status_sql), 'f|{}|{sub_sub}', 'status() on a subscriber: subscribes through sub_sub');
$sub->safe_psql('postgres', 'CREATE ROLE app_nobody LOGIN');
is($sub->safe_psql('postgres', "SET ROLE app_nobody; $status_sql"),
	'f|{}|{sub_sub}', 'status() for a role without privileges: the same');
is($sub->safe_psql('postgres', 'SELECT count(*) FROM flashcard_schema_status()'), '1', 'one row');

# --- the event trigger on a publisher (a downgrade, rolled back) -------------
($ret, $out, $err) = $primary->psql('postgres',
	"BEGIN; ALTER EXTENSION flashcard_schema UPDATE TO '1.2'; ROLLBACK;");
like($err, qr/WARNING:  tables of flashcard_schema are published by publication "pub"\n.*HINT:  Update this server, then every subscriber\./s,
	'a downgrade on the publisher warns through the event trigger: the publisher first');
($ret, $out, $err) = $primary->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'");
unlike($err, qr/WARNING/, 'an update to the version installed already warns about nothing');

# --- 1.3 -> 1.4: the application's January columns ---------------------------
# Only columns added (src/contract.c): subscribers first.  "sub" goes first,
# "wrong" stays behind.
($ret, $out, $err) = $sub->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'");
is($ret, 0, 'the subscriber "sub" updates to 1.4 first');
like($err, qr/NOTICE:  this database subscribes to tables of flashcard_schema through subscription "sub_sub"\n.*HINT:  Update the publisher after this server\./s,
	'update to 1.4 on a subscriber: a NOTICE, this server was right to go first');
unlike($err, qr/WARNING/, '... and no WARNING');
$primary->safe_psql('postgres',
	"INSERT INTO users (id, email) VALUES ('a1400000-0000-4000-8000-000000000001', 'before-1.4\@example.com')");
$primary->safe_psql('postgres',
	"INSERT INTO decks (id, name, level) VALUES ('d1400000-0000-4000-8000-000000000001', 'before 1.4', 'B1')");
$primary->wait_for_catchup('sub_sub');
is($sub->safe_psql('postgres',
		"SELECT (SELECT count(*) FROM users WHERE id = 'a1400000-0000-4000-8000-000000000001' AND auth0_id IS NULL) || ' ' || "
		  . "(SELECT is_premium::text FROM decks WHERE id = 'd1400000-0000-4000-8000-000000000001')"),
	'1 false', 'subscriber at 1.4, publisher at 1.3: new rows arrive, 1.4\'s columns NULL and is_premium false');

$pos = log_position($wrong);
($ret, $out, $err) = $primary->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'");
is($ret, 0, 'the publisher updates to 1.4');
like($err, qr/WARNING:  tables of flashcard_schema are published by publication "pub"\nDETAIL:  Subscribers must be updated to 1\.4 first/,
	'update to 1.4 on a publisher: a WARNING names the publication, the subscribers go first');
like($err, qr/HINT:  Update every subscriber, then this server\./, 'the hint gives the order');
$primary->safe_psql('postgres',
	"INSERT INTO users (id, email, auth0_id, avatar_url) VALUES ('a1400000-0000-4000-8000-000000000002', "
	  . "'auth0\@example.com', 'auth0|65a1f0c2e4b0', 'avatars/a14/1.jpg')");
$primary->safe_psql('postgres',
	"INSERT INTO decks (id, name, level, is_premium, owner_id) VALUES ('d1400000-0000-4000-8000-000000000002', "
	  . "'Οι λέξεις μου', 'A2', true, 'a1400000-0000-4000-8000-000000000002')");
$primary->safe_psql('postgres', "UPDATE user_settings SET theme = 'dark', preferred_language = 'el'");
agree('1.3 -> 1.4 in the documented order', qw(standby sub));

$pos = $wrong->wait_for_log(
	qr/logical replication target relation "public\.users" is missing replicated columns: "auth0_id", "avatar_url"/,
	$pos);
pass('1.4 publisher before its subscriber: the apply worker stops at the first users row (missing replicated columns)');
is(has_row($wrong, 'decks', 'd1400000-0000-4000-8000-000000000002'),
	'0', 'while it is stopped, rows of the other tables do not arrive either');
$wrong->safe_psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'");
agree('1.3 -> 1.4, the late subscriber updated: replication resumed by itself', qw(standby sub wrong));

agree('at the end', qw(standby sub wrong));

# --- the application's own tables beside ours (issue 17) ----------------------
# An app table keyed into users (ON DELETE CASCADE) with a column of the
# extension's type decklevel, on every server (subscribers need the table);
# FOR ALL TABLES publishes it, the subscribers pick it up with REFRESH.
my $app_table = q{CREATE TABLE learner_notes (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	level decklevel NOT NULL,
	body text)};
$primary->safe_psql('postgres', $app_table);
for my $name (qw(sub wrong))
{
	$subscribers{$name}->safe_psql('postgres', $app_table);
	$subscribers{$name}->safe_psql('postgres', "ALTER SUBSCRIPTION ${name}_sub REFRESH PUBLICATION");
	$subscribers{$name}->wait_for_subscription_sync($primary, "${name}_sub");
}
$primary->safe_psql('postgres', q{INSERT INTO learner_notes (user_id, level, body)
	SELECT id, 'C2', 'σημειώσεις ' || email FROM users});
my $notes_sql = q{SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), ''))
	FROM learner_notes x};
my $notes = $primary->safe_psql('postgres', $notes_sql);
$primary->wait_for_catchup("${_}_sub") for qw(sub wrong);
is($_->safe_psql('postgres', $notes_sql), $notes, "the app's table beside ours replicates: $notes")
  for ($sub, $wrong);
$primary->safe_psql('postgres', q{DELETE FROM users WHERE id IN (SELECT user_id FROM learner_notes LIMIT 1)});
$notes = $primary->safe_psql('postgres', $notes_sql);
agree("a learner deleted on the publisher, with the app's rows keyed to it", qw(standby sub wrong));
$primary->wait_for_catchup("${_}_sub") for qw(sub wrong);
is($_->safe_psql('postgres', $notes_sql), $notes,
	"... and the cascade into the app's table arrives on the subscriber ($notes)")
  for ($sub, $wrong);

# A route that rebuilds decklevel (down to 1.1 drops C1, C2) on a subscriber
# whose app column uses it: refused before anything changes, in the
# extension's words; replication goes on.
($ret, $out, $err) = $sub->psql('postgres', "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'");
isnt($ret, 0, "downgrade to 1.1 on a subscriber with the app's decklevel column: refused");
like($err, qr/ERROR:  cannot downgrade flashcard_schema to 1\.1 while table column "public\.learner_notes\.level" depends on type "public\.decklevel"/,
	"... naming the app's column and the type the route re-creates");
$primary->safe_psql('postgres', q{INSERT INTO learner_notes (user_id, level, body)
	SELECT id, 'B1', 'μετά' FROM users LIMIT 1});
$notes = $primary->safe_psql('postgres', $notes_sql);
$primary->wait_for_catchup('sub_sub');
is($sub->safe_psql('postgres', $notes_sql), $notes, "the app's rows still arrive after the refusal");
agree("after the app's tables and the refusal", qw(standby sub wrong));

done_testing();
