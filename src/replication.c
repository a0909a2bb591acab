/*-------------------------------------------------------------------------
 *
 * replication.c
 *	  Publications and subscriptions that carry the extension's tables.
 *
 * Logical replication applies each row with the subscriber's own column
 * types, so a revision reached by the publisher and a subscriber at
 * different times can stop the subscriber's apply worker (see
 * WarnReplicationOrder() for which order each update needs).  status()
 * reports which publications include the tables and which subscriptions
 * write into them, and an update warns about the order.
 *
 * The publications come from pg_publication_tables, a view with
 * set-returning logic (FOR TABLE, FOR ALL TABLES, FOR TABLES IN SCHEMA),
 * so they are read through SPI; pg_subscription_rel and the columns of
 * pg_subscription read here are readable by every role.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "contract.h"
#include "extension.h"
#include "replication.h"



/* Publications of this database that include a table of the extension */
#define PUBLICATIONS_SQL \
	"SELECT DISTINCT pubname::pg_catalog.text COLLATE pg_catalog.\"C\" " \
	"FROM pg_catalog.pg_publication_tables " \
	"WHERE schemaname OPERATOR(pg_catalog.=) $1::pg_catalog.name " \
	"AND tablename OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[]) ORDER BY 1"

/* Subscriptions of this database whose tables include one of the extension */
#define SUBSCRIPTIONS_SQL \
	"SELECT DISTINCT s.subname::pg_catalog.text COLLATE pg_catalog.\"C\" " \
	"FROM pg_catalog.pg_subscription s " \
	"JOIN pg_catalog.pg_subscription_rel r ON r.srsubid OPERATOR(pg_catalog.=) s.oid " \
	"JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) r.srrelid " \
	"WHERE s.subdbid OPERATOR(pg_catalog.=) $3 " \
	"AND c.relnamespace OPERATOR(pg_catalog.=) $4 " \
	"AND c.relname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[]) ORDER BY 1"

/* Run one of the queries above; its first column, copied into the caller's context */
static List *
QueryNames(const char *sql, Datum *values, Oid *types, int nargs, MemoryContext caller)
{
	List	   *names = NIL;
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		names = lappend(names, MemoryContextStrdup(caller, name));
	}
	return names;
}

/* The publications and subscriptions that carry the extension's tables */
void
ReadReplicationFacts(const InstalledExtension *ext, ReplicationFacts *facts)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	Datum	   *tables = palloc(sizeof(Datum) * contract_ntables);
	Datum		values[4];
	Oid			types[4] = {TEXTOID, TEXTARRAYOID, OIDOID, OIDOID};
	char	   *schema = get_namespace_name(ext->namespace);

	for (int i = 0; i < contract_ntables; i++)
		tables[i] = CStringGetTextDatum(contract_tables[i].name);
	values[0] = CStringGetTextDatum(schema ? schema : "");
	values[1] = PointerGetDatum(construct_array(tables, contract_ntables, TEXTOID, -1, false, TYPALIGN_INT));
	values[2] = ObjectIdGetDatum(MyDatabaseId);
	values[3] = ObjectIdGetDatum(ext->namespace);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* Lists are built in the caller's context: SPI_finish frees its own */
	old = MemoryContextSwitchTo(caller);
	facts->publications = QueryNames(PUBLICATIONS_SQL, values, types, 2, caller);
	facts->subscriptions = QueryNames(SUBSCRIPTIONS_SQL, values, types, 4, caller);
	MemoryContextSwitchTo(old);
	SPI_finish();
}

/* A text[] of the names, empty (not NULL) when there are none */
Datum
NameListArray(List *names)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(names), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, names)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* "\"a\", \"b\", \"c\"": names quoted, as in PostgreSQL's messages */
static char *
JoinNames(List *names)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, names)
		appendStringInfo(&buf, "%s\"%s\"", buf.len > 0 ? ", " : "", (char *) lfirst(lc));
	return buf.data;
}

/*
 * The columns a route between two known revisions changes in place (same
 * table and name in both, another fact: a new type), as "\"table.column\", ...";
 * NULL when it changes none.
 */
static char *
ChangedColumns(int from, int to)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];

		if (!CONTRACT_IN(c, from) || CONTRACT_IN(c, to))
			continue;
		for (int j = 0; j < contract_ncolumns; j++)
		{
			const ContractColumn *d = &contract_columns[j];

			if (CONTRACT_IN(d, to) && strcmp(c->table, d->table) == 0 &&
				strcmp(c->name, d->name) == 0)
			{
				appendStringInfo(&buf, "%s\"%s.%s\"", buf.len > 0 ? ", " : "", c->table, c->name);
				break;
			}
		}
	}
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * What a row written at one revision lacks or has too many of at another, as
 * "\"table.column\", ...": the columns of from that to does not have (gone
 * or renamed, or their table gone), and the columns new in to that a row of
 * from cannot fill (NOT NULL without a default); NULL when there are none.
 * A subscriber at to stops for good at such a row from a publisher at from.
 */
static char *
StrandedColumns(int from, int to)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];
		bool		gone;
		bool		unfilled;
		bool		other = false;

		gone = CONTRACT_IN(c, from) && !CONTRACT_IN(c, to);
		unfilled = CONTRACT_IN(c, to) && !CONTRACT_IN(c, from) && c->notnull && c->defval == NULL;
		if (!gone && !unfilled)
			continue;
		/* a column of the same name on the other side is a change in place */
		for (int j = 0; j < contract_ncolumns && !other; j++)
		{
			const ContractColumn *d = &contract_columns[j];

			other = CONTRACT_IN(d, gone ? to : from) && strcmp(c->table, d->table) == 0 &&
				strcmp(c->name, d->name) == 0;
		}
		if (!other)
			appendStringInfo(&buf, "%s\"%s.%s\"", buf.len > 0 ? ", " : "", c->table, c->name);
	}
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * Warn about the order in which replicas must follow an update from one
 * version to another: a WARNING when the tables are published, a NOTICE
 * when this database subscribes to them.  The one home of these messages:
 * the update to 1.3 and the event trigger of later updates both come here.
 *
 * A subscriber's apply worker converts each replicated value with the input
 * function of its own column, and stops (retrying until it can) at the first
 * row it cannot take.  An update that only adds columns or enum labels goes
 * to the subscribers first: they take the publisher's older rows as they are
 * (NULL or the default for a new column), and would stop at the first row
 * using something new if the publisher went first.  An update that changes a
 * column's type, or removes or renames a column, or adds one NOT NULL
 * without a default, and a downgrade, go to the publisher first: a
 * subscriber updated first would meet rows written in the old form that it
 * can never take, whereas rows in the new form stop it only until it is
 * updated too.  No order avoids every stop: the one that avoids a stop for
 * good is derived from the contract.
 */
static void
WarnReplicationOrder(const InstalledExtension *ext, const char *from, const char *target)
{
	ReplicationFacts facts;
	int			from_rev = ContractRevision(from);
	int			to_rev = ContractRevision(target);
	char	   *changed = NULL;
	char	   *stranded = NULL;
	bool		subscribers_first;

	ReadReplicationFacts(ext, &facts);
	if (facts.publications == NIL && facts.subscriptions == NIL)
		return;
	if (from_rev >= 0 && to_rev >= 0)
	{
		changed = ChangedColumns(from_rev, to_rev);
		stranded = StrandedColumns(from_rev, to_rev);
	}
	subscribers_first = from_rev >= 0 && to_rev > from_rev && changed == NULL && stranded == NULL;
	/* An update that removes, renames or adds NOT NULL columns: said as a change */
	if (changed == NULL && stranded != NULL && to_rev > from_rev)
		changed = stranded;

	if (facts.publications != NIL && subscribers_first)
		ereport(WARNING,
				(errmsg_plural("tables of flashcard_schema are published by publication %s",
							   "tables of flashcard_schema are published by publications %s",
							   list_length(facts.publications), JoinNames(facts.publications)),
				 errdetail("Subscribers must be updated to %s first: until they are, their apply workers "
						   "stop at the first row that uses a column or value they do not have, "
						   "and resume by themselves once they are updated.", target),
				 errhint("Update every subscriber, then this server.")));
	else if (facts.publications != NIL)
		ereport(WARNING,
				(errmsg_plural("tables of flashcard_schema are published by publication %s",
							   "tables of flashcard_schema are published by publications %s",
							   list_length(facts.publications), JoinNames(facts.publications)),
				 errdetail("This server must be updated to %s before its subscribers: %s. "
						   "Until a subscriber is updated too, its apply worker stops at the first row "
						   "written in the new form, and resumes by itself once it is.",
						   target,
						   changed ? psprintf("this update changes column%s %s, and a subscriber updated first would stop "
											  "for good at the first row written here in the old form", strchr(changed, ',') ? "s" : "", changed)
						   : "a subscriber updated first could stop for good at a row written here "
						   "that its version cannot hold"),
				 errhint("Update this server, then every subscriber.")));
	/*
	 * On a subscriber the right order needs no more than a notice; the wrong
	 * one is a warning, also because an update script shows nothing below
	 * WARNING.
	 */
	if (facts.subscriptions != NIL && subscribers_first)
		ereport(NOTICE,
				(errmsg_plural("this database subscribes to tables of flashcard_schema through subscription %s",
							   "this database subscribes to tables of flashcard_schema through subscriptions %s",
							   list_length(facts.subscriptions), JoinNames(facts.subscriptions)),
				 errhint("Update the publisher after this server.")));
	else if (facts.subscriptions != NIL)
		ereport(WARNING,
				(errmsg_plural("this database subscribes to tables of flashcard_schema through subscription %s",
							   "this database subscribes to tables of flashcard_schema through subscriptions %s",
							   list_length(facts.subscriptions), JoinNames(facts.subscriptions)),
				 errdetail("The publisher must be updated to %s before this server: %s.",
						   target,
						   changed ? psprintf("this update changes column%s %s, and a row the publisher writes in the old form "
											  "after this server is updated stops its apply worker for good",
											  strchr(changed, ',') ? "s" : "", changed)
						   : "a row the publisher writes after this server is updated may stop its apply worker for good"),
				 errhint("Update the publisher first, then this server.")));
}

/*
 * The replication warning of one update step, for a script that runs before
 * the event trigger exists (the update to 1.3).
 */
void
WarnReplicationOrderOfStep(const char *from, const char *target)
{
	InstalledExtension ext;

	if (FindInstalledExtension(&ext))
		WarnReplicationOrder(&ext, from, target);
}

/* The version ALTER EXTENSION ... UPDATE moves to: TO 'x', else the control file's default */
char *
UpdateTarget(AlterExtensionStmt *stmt)
{
	ListCell   *lc;
	char	   *target = NULL;
	MemoryContext caller = CurrentMemoryContext;
	int			rc;

	foreach(lc, stmt->options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		if (strcmp(opt->defname, "new_version") == 0)
			return defGetString(opt);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute("SELECT default_version FROM pg_catalog.pg_available_extensions "
					 "WHERE name OPERATOR(pg_catalog.=) 'flashcard_schema'", true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
		target = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (target)
		target = MemoryContextStrdup(caller, target);
	SPI_finish();
	return target;
}

/*
 * From the event trigger, at ddl_command_start: ALTER EXTENSION
 * flashcard_schema UPDATE to another version warns about the order.
 */
void
WarnReplicationOrderOnUpdate(AlterExtensionStmt *stmt)
{
	InstalledExtension ext;
	char	   *target;

	if (strcmp(stmt->extname, EXTENSION_NAME) != 0 ||
		!FindInstalledExtension(&ext) || ext.version == NULL)
		return;
	target = UpdateTarget(stmt);
	if (target == NULL || strcmp(target, ext.version) == 0)
		return;
	WarnReplicationOrder(&ext, ext.version, target);
}
