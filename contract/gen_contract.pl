#!/usr/bin/perl
# contract/gen_contract.pl: write the C contract (src/contract_data.c) from the
# declaration (contract/*.tsv).
#
#   perl contract/gen_contract.pl CONTRACT_DIR OUTPUT.c
#   perl contract/gen_contract.pl --revisions CONTRACT_DIR OUTPUT.h
#
# The second form writes only the revisions' numbers (#define R1_4 4), for C
# code that names a revision (src/contract_revisions.h).
#
# The declaration is one tab-separated file per kind of fact, in PostgreSQL's
# COPY text format (\N is NULL) with a header line, plus lines starting with
# "#" (comments).  revisions.tsv lists the revisions in release order; every
# other file starts with since and until: the first and the last revision
# that has the fact (until \N: still in the latest).  A change is one fact
# ending and another beginning.  The order of the lines is kept (columns in
# position order within their table, labels in sort order within their type,
# distribution in the order distribute() lays the tables out).
#
# The kinds and their fields are declared here, once, beside src/contract.h's
# structs: a file whose header differs from its kind's fields is refused.
use strict;
use warnings;

my $revisions_only = @ARGV && $ARGV[0] eq '--revisions';
shift @ARGV if $revisions_only;
my ($dir, $out) = @ARGV;
die "usage: $0 [--revisions] CONTRACT_DIR OUTPUT\n" unless defined $out;

# kind (file name) => [struct, fields]; a field is name or name:conversion
#   str   a C string, NULL for \N (the default)
#   bool  true or false
#   char  one character: 'c'
#   contype  p, u or f: CONSTRAINT_PRIMARY, _UNIQUE or _FOREIGN
#   acl   privilege names separated by commas: ACL_SELECT | ...
#   revision  a revision of revisions.tsv: its number (R1_4)
#   alembic_kind  default, no_label, no_type or no_index: ALEMBIC_DEFAULT, ...
my @kinds = (
	[labels => 'ContractLabel', qw(type label)],
	[tables => 'ContractTable', qw(name)],
	[columns => 'ContractColumn',
	 qw(table name type notnull:bool defval comment)],
	[constraints => 'ContractConstraint',
	 qw(table name contype:contype columns reftable refcolumns on_delete)],
	[indexes => 'ContractIndex', qw(table name unique:bool method columns)],
	[table_grants => 'ContractTableGrant', qw(grantee privileges:acl)],
	[functions => 'ContractFunction', qw(name arguments result implementation)],
	[function_settings => 'ContractFunctionSetting', qw(setting)],
	[distribution => 'ContractDistribution', qw(table column key)],
	[event_triggers => 'ContractEventTrigger', qw(name event enabled:char)],
	[row_security => 'ContractRowSecurity', qw(table forced:bool)],
	[policies => 'ContractPolicy', qw(table name definition)],
	[adopted_heads => 'ContractAlembic', qw(version base:revision)],
	[adoption_differences => 'ContractAlembicDifference',
	 qw(kind:alembic_kind table name value)],
);

# What names a fact of each kind: two facts with the same name may not both
# hold in one revision (a change ends the old fact where the new one begins).
# A field:prefix names by the part of the field before "=".
my %key = (
	labels => [qw(type label)],
	tables => [qw(name)],
	columns => [qw(table name)],
	constraints => [qw(table name)],
	indexes => [qw(name)],
	table_grants => [qw(grantee)],
	functions => [qw(name)],
	function_settings => ['setting:prefix'],
	distribution => [qw(table)],
	event_triggers => [qw(name)],
	row_security => [qw(table)],
	policies => [qw(table name)],
	adopted_heads => [qw(version)],
	adoption_differences => [qw(kind table name)],
);

my %contype = (p => 'CONSTRAINT_PRIMARY', u => 'CONSTRAINT_UNIQUE',
			   f => 'CONSTRAINT_FOREIGN');
my %alembic_kind = (default => 'ALEMBIC_DEFAULT', no_label => 'ALEMBIC_NO_LABEL',
					no_type => 'ALEMBIC_NO_TYPE', no_index => 'ALEMBIC_NO_INDEX');
my %acl = map { $_ => "ACL_$_" }
	qw(SELECT INSERT UPDATE DELETE TRUNCATE REFERENCES TRIGGER);

# Read one file: its header's fields and its rows (arrays of raw cells)
sub read_tsv
{
	my ($file) = @_;
	open(my $fh, '<', $file) or die "$file: $!\n";
	my ($header, @rows);
	while (my $line = <$fh>)
	{
		chomp $line;
		next if $line =~ /^#/ || $line eq '';
		my @cells = split /\t/, $line, -1;
		if (!defined $header) { $header = \@cells; next; }
		die "$file:$.: " . scalar(@cells) . " fields, the header has "
		  . scalar(@$header) . "\n"
		  unless @cells == @$header;
		push @rows, [$., @cells];
	}
	close $fh;
	die "$file: no header\n" unless defined $header;
	return ($header, \@rows);
}

# A cell of COPY text format as a C expression (str conversion)
sub c_string
{
	my ($cell) = @_;
	return 'NULL' if $cell eq '\N';
	my %esc = (b => "\b", f => "\f", n => "\n", r => "\r", t => "\t",
			   v => "\013", '\\' => '\\');
	$cell =~ s/\\(.)/exists $esc{$1} ? $esc{$1} : $1/ge;
	$cell =~ s/(["\\])/\\$1/g;
	$cell =~ s/\n/\\n/g;
	$cell =~ s/\t/\\t/g;
	return "\"$cell\"";
}

my ($vh, $vrows) = read_tsv("$dir/revisions.tsv");
die "$dir/revisions.tsv: the header must be \"version\"\n"
  unless "@$vh" eq 'version';
my @versions = map { $_->[1] } @$vrows;
my %revision;
for my $i (0 .. $#versions)
{
	die "$dir/revisions.tsv: $versions[$i] twice\n"
	  if exists $revision{$versions[$i]};
	$revision{$versions[$i]} = $i;
}
# R1_0 for 1.0; any other character of a version becomes _
my @macro = map { (my $m = "R$_") =~ s/[^A-Za-z0-9]/_/g; $m } @versions;

# Write a file through a temporary one: a failed run leaves no half file behind
sub write_file
{
	my ($path, $text) = @_;
	open(my $fh, '>', "$path.tmp") or die "$path.tmp: $!\n";
	print $fh $text;
	close($fh) or die "$path.tmp: $!\n";
	rename("$path.tmp", $path) or die "$path: $!\n";
}

if ($revisions_only)
{
	my $h = <<'HEAD';
/*
 * contract_revisions.h
 *	  The number of each revision of the contract (its index in
 *	  contract_versions[]).
 *
 * GENERATED by contract/gen_contract.pl from contract/revisions.tsv: do not
 * edit.
 */
#ifndef FLASHCARD_SCHEMA_CONTRACT_REVISIONS_H
#define FLASHCARD_SCHEMA_CONTRACT_REVISIONS_H

HEAD
	$h .= "#define $macro[$_] $_\n" for 0 .. $#versions;
	$h .= "\n#endif\t\t\t\t\t\t\t/* FLASHCARD_SCHEMA_CONTRACT_REVISIONS_H */\n";
	write_file($out, $h);
	exit 0;
}

my $c = <<'HEAD';
/*
 * contract_data.c
 *	  The schema contract as static data.
 *
 * GENERATED by contract/gen_contract.pl from contract/<kind>.tsv: do not edit;
 * change the declaration (see docs/adding-a-revision.md).
 */
#include "postgres.h"

#include "catalog/pg_constraint.h"
#include "utils/acl.h"

#include "contract.h"
#include "contract_revisions.h"

HEAD

$c .= "/* Revisions in release order; the last one is the control file's default */\n";
$c .= "const char *const contract_versions[] = {"
  . join(', ', map { c_string($_) } @versions) . "};\n";
$c .= "const int\tcontract_nversions = lengthof(contract_versions);\n";

my $nfacts = 0;
for my $kind (@kinds)
{
	my ($name, $struct, @fields) = @$kind;
	my $file = "$dir/$name.tsv";
	my ($header, $rows) = read_tsv($file);
	my @names = ('since', 'until', map { (split /:/)[0] } @fields);
	die "$file: the header must be \"" . join("\t", @names) . "\"\n"
	  unless join("\t", @$header) eq join("\t", @names);

	$c .= "\nconst $struct contract_${name}[] = {\n";
	my %seen;					# name of a fact => [line, since, until] of each
	for my $row (@$rows)
	{
		my ($lineno, $since, $until, @cells) = @$row;
		my $where = "$file:$lineno";
		die "$where: since \"$since\" is not a revision of revisions.tsv\n"
		  unless exists $revision{$since};
		die "$where: until \"$until\" is not a revision of revisions.tsv\n"
		  unless $until eq '\N' || exists $revision{$until};
		die "$where: until $until is before since $since\n"
		  if $until ne '\N' && $revision{$until} < $revision{$since};
		my $key = join("\t", map {
			my ($f, $how) = split /:/;
			my ($i) = grep { $names[$_] eq $f } 0 .. $#names;
			my $v = $row->[$i + 1];
			$how && $how eq 'prefix' ? (split /=/, $v)[0] : $v;
		} @{ $key{$name} });
		my ($from, $to) = ($revision{$since},
						   $until eq '\N' ? scalar(@versions) : $revision{$until});
		for my $other (@{ $seen{$key} })
		{
			my ($oline, $ofrom, $oto) = @$other;
			die "$where: overlaps the fact of line $oline (both hold in "
			  . $versions[$from > $ofrom ? $from : $ofrom]
			  . "): end one where the other begins\n"
			  if $from <= $oto && $ofrom <= $to;
		}
		push @{ $seen{$key} }, [$lineno, $from, $to];
		my @c = ($macro[$revision{$since}],
				 $until eq '\N' ? 'STILL' : $macro[$revision{$until}]);
		for my $i (0 .. $#fields)
		{
			my (undef, $conv) = split /:/, $fields[$i];
			my $cell = $cells[$i];
			$conv //= 'str';
			if ($conv eq 'str')
			{
				push @c, c_string($cell);
			}
			elsif ($conv eq 'bool')
			{
				die "$where: $names[$i + 2] must be true or false\n"
				  unless $cell =~ /^(true|false)$/;
				push @c, $cell;
			}
			elsif ($conv eq 'char')
			{
				die "$where: $names[$i + 2] must be one character\n"
				  unless $cell =~ /^[A-Za-z0-9]$/;
				push @c, "'$cell'";
			}
			elsif ($conv eq 'contype')
			{
				die "$where: contype must be p, u or f\n"
				  unless exists $contype{$cell};
				push @c, $contype{$cell};
			}
			elsif ($conv eq 'revision')
			{
				die "$where: $names[$i + 2] \"$cell\" is not a revision of revisions.tsv\n"
				  unless exists $revision{$cell};
				push @c, $macro[$revision{$cell}];
			}
			elsif ($conv eq 'alembic_kind')
			{
				die "$where: kind must be default, no_label, no_type or no_index\n"
				  unless exists $alembic_kind{$cell};
				push @c, $alembic_kind{$cell};
			}
			elsif ($conv eq 'acl')
			{
				my @p = split /,/, $cell;
				die "$where: unknown privilege in \"$cell\"\n"
				  if !@p || grep { !exists $acl{$_} } @p;
				push @c, join(' | ', map { $acl{$_} } @p);
			}
		}
		$c .= "\t{" . join(', ', @c) . "},\n";
		$nfacts++;
	}
	# A kind with no fact yet: C has no empty array, so one zeroed placeholder, counted out
	$c .= "\t{0}\t\t\t\t\t\t\t/* no fact: a placeholder, not counted */\n" unless @$rows;
	$c .= "};\n";
	$c .= "const int\tcontract_n${name} = "
	  . (@$rows ? "lengthof(contract_${name})" : "0") . ";\n";
}

write_file($out, $c);
