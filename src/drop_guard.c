/*-------------------------------------------------------------------------
 *
 * drop_guard.c
 *	  Refuse a DROP that would take the extension's tables, their keys or
 *	  their indexes while the tables hold rows.
 *
 * DROP EXTENSION flashcard_schema, DROP SCHEMA <its schema> CASCADE, DROP
 * EXTENSION <one it requires> CASCADE and DROP OWNED BY <the role owning
 * the extension, its schema or its tables> each drop the eight tables with
 * every learner's data in one statement.  An event trigger at
 * ddl_command_start calls GuardDrop() before anything is dropped: it reads
 * the statement's parse tree, and if the statement would take the tables
 * and the caller is allowed to run it, counts their rows (a plain heap scan:
 * no SPI, no permission check, the caller may already drop them all; for a
 * table Citus distributes, whose rows are on the shards, a count(*) through
 * Citus) and refuses unless flashcard_schema.allow_data_loss is on in the
 * session.  A drop that goes ahead is first checked for objects outside the
 * extension that would block it (another session's temporary table with a
 * column of reviews; without CASCADE, the app's view over it), which
 * src/blockers.c refuses in the extension's words.
 *
 * From 1.4 (the revisions whose contract has the sql_drop trigger) the
 * parse tree is not the only witness: a statement can reach the tables by a
 * cascade no parse tree shows (a member planted in the extension, dropped
 * with its own schema, drops the whole extension).  So the start trigger
 * fires on every DDL command, which loads this library and with it an
 * object access hook that sees each object just before it is dropped
 * (GuardNoteDrop): one of the tables, or a key or index of one, whose table
 * holds rows is noted, with the rows counted while they are still there.
 * The sql_drop trigger, at the end of the same statement and inside its
 * transaction, refuses if anything was noted (GuardDroppedObjects): the
 * ERROR undoes the whole statement.  The start trigger also refuses at once
 * what it can see: ALTER EXTENSION flashcard_schema ADD (a foreign member
 * is what makes those cascades), and DROP INDEX or ALTER INDEX on an index
 * of a table that holds rows.  Both triggers fire "always", whatever the
 * session_replication_role.  Row counts are shown only for tables the
 * current role may read.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "blockers.h"
#include "citus.h"
#include "contract.h"
#include "drop_guard.h"
#include "extension.h"



/* The installed extension as the guard needs it */
typedef struct GuardedExtension
{
	Oid			oid;
	Oid			owner;
	Oid			namespace;
	Oid			nspowner;
	bool		backstop;		/* its revision has the sql_drop trigger (1.4 on) */
} GuardedExtension;

/* A table of the extension that holds rows */
typedef struct AtStake
{
	Oid			relid;
	const char *table;
	uint64		rows;
	bool		readable;		/* the current role may SELECT from it */
	bool		dropped;		/* the statement drops the table itself */
} AtStake;

/*
 * What the object access hook noted during the current statement, for the
 * sql_drop trigger (in TopTransactionContext): whether it saw one of the
 * extension's tables, keys or indexes dropped; the tables holding rows then
 * (counted at the first such object, while they were all still there); and
 * the first object dropped that is not a table with rows.
 */
static bool noted = false;
static List *noted_tables = NIL;
static char *noted_object = NULL;
static int	noted_objects = 0;

/* The statement the start trigger last saw (its tag), for the hook's messages */
static char current_command[NAMEDATALEN] = "DROP";

/* Whether the start trigger already warned (allow_data_loss) for this statement */
static bool start_warned = false;

/* Set while flashcard_schema_distribute() changes the keys itself (until the transaction ends) */
static bool guard_suspended = false;

/* The session's flashcard_schema.allow_data_loss, for the hook */
static const bool *allow_data_loss_setting = NULL;

static object_access_hook_type prev_object_access_hook = NULL;

static bool GuardStatement(EventTriggerData *trigdata, const GuardedExtension *ext,
						   const char *command, bool allow_data_loss);

/* Whether a contract revision has the sql_drop trigger (and the rest of 1.4's guard) */
static bool
RevisionHasBackstop(int revision)
{
	for (int i = 0; i < contract_nevent_triggers; i++)
	{
		if (revision >= 0 && CONTRACT_IN(&contract_event_triggers[i], revision) &&
			strcmp(contract_event_triggers[i].event, "sql_drop") == 0)
			return true;
	}
	return false;
}

/* Look up an installed extension by name as the guard needs it; false if it is not installed */
static bool
FindExtension(const char *name, GuardedExtension *ext)
{
	InstalledExtension row;

	if (!FindExtensionByName(name, &row))
		return false;
	ext->oid = row.oid;
	ext->owner = row.owner;
	ext->namespace = row.namespace;
	ext->backstop = row.version != NULL && RevisionHasBackstop(ContractRevision(row.version));
	return true;
}

/* Find flashcard_schema and its schema's owner; false if it is not installed */
static bool
FindGuardedExtension(GuardedExtension *ext)
{
	bool		found = FindExtension(EXTENSION_NAME, ext);

	if (found)
	{
		HeapTuple	tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(ext->namespace));

		ext->nspowner = HeapTupleIsValid(tup) ?
			((Form_pg_namespace) GETSTRUCT(tup))->nspowner : InvalidOid;
		if (HeapTupleIsValid(tup))
			ReleaseSysCache(tup);
	}
	return found;
}

/* Whether the extension requires (depends on) another extension */
static bool
ExtensionRequires(const GuardedExtension *ext, Oid required)
{
	Relation	depend;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ext->oid));
	depend = table_open(DependRelationId, AccessShareLock);
	scan = systable_beginscan(depend, DependDependerIndexId, true, NULL, 2, key);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		found = dep->refclassid == ExtensionRelationId && dep->refobjid == required;
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
	return found;
}

/* The extension's table of this name, or InvalidOid (also if it is no plain table) */
static Oid
GuardedTable(const GuardedExtension *ext, const char *name)
{
	Oid			relid = get_relname_relid(name, ext->namespace);

	if (OidIsValid(relid) && get_rel_relkind(relid) != RELKIND_RELATION)
		return InvalidOid;
	return relid;
}

/* Whether a name is one of the extension's tables in the contract */
static bool
IsContractTable(const char *name)
{
	for (int i = 0; i < contract_ntables; i++)
	{
		if (strcmp(contract_tables[i].name, name) == 0)
			return true;
	}
	return false;
}

/* Whether a name is one of the extension's indexes or keys in the contract (of any revision) */
static bool
IsContractIndexOrKey(const char *name)
{
	for (int i = 0; i < contract_nindexes; i++)
	{
		if (strcmp(contract_indexes[i].name, name) == 0)
			return true;
	}
	for (int i = 0; i < contract_nconstraints; i++)
	{
		if (strcmp(contract_constraints[i].name, name) == 0)
			return true;
	}
	return false;
}

/* The owner of a relation, or InvalidOid */
static Oid
RelationOwner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
		ReleaseSysCache(tup);
	}
	return owner;
}

/*
 * Whether the statement would drop the extension's tables, and the current
 * user may run it (if not, PostgreSQL refuses it anyway; the guard stays
 * silent rather than tell row counts to a role that cannot drop them).
 */
static bool
DropTakesTables(Node *parsetree, const GuardedExtension *ext)
{
	Oid			user = GetUserId();
	ListCell   *lc;

	if (IsA(parsetree, DropStmt))
	{
		DropStmt   *stmt = (DropStmt *) parsetree;
		bool		cascade = stmt->behavior == DROP_CASCADE;

		if (stmt->removeType == OBJECT_EXTENSION)
		{
			foreach(lc, stmt->objects)
			{
				const char *name = strVal(lfirst(lc));

				if (strcmp(name, EXTENSION_NAME) == 0)
					return has_privs_of_role(user, ext->owner);
				if (cascade)
				{
					GuardedExtension other;

					/* An extension ours requires, dropped with CASCADE, by a role allowed to */
					if (FindExtension(name, &other) && ExtensionRequires(ext, other.oid))
						return has_privs_of_role(user, other.owner);
				}
			}
		}
		else if (stmt->removeType == OBJECT_SCHEMA && cascade)
		{
			const char *schema = get_namespace_name(ext->namespace);

			foreach(lc, stmt->objects)
			{
				if (schema != NULL && strcmp(strVal(lfirst(lc)), schema) == 0)
					return has_privs_of_role(user, ext->nspowner);
			}
		}
	}
	else if (IsA(parsetree, DropOwnedStmt))
	{
		DropOwnedStmt *stmt = (DropOwnedStmt *) parsetree;
		bool		takes = false;

		foreach(lc, stmt->roles)
		{
			Oid			role = get_rolespec_oid((RoleSpec *) lfirst(lc), true);

			if (!OidIsValid(role))
				continue;
			/* DROP OWNED needs the rights of every role it names */
			if (!has_privs_of_role(user, role))
				return false;
			if (role == ext->owner || role == ext->nspowner)
				takes = true;
			for (int i = 0; i < contract_ntables && !takes; i++)
			{
				Oid			relid = GuardedTable(ext, contract_tables[i].name);

				takes = OidIsValid(relid) && role == RelationOwner(relid);
			}
		}
		return takes;
	}
	return false;
}

/*
 * Whether a statement that takes the tables also drops what depends on the
 * extension, as far as the blockers are concerned: all but DROP EXTENSION
 * ... RESTRICT (the default).  DROP OWNED BY ... RESTRICT drops the role's
 * other objects too (its view over reviews goes with the extension): it is
 * checked as a cascade, and PostgreSQL's own check stands for another
 * role's object.
 */
static bool
DropCascades(Node *parsetree)
{
	if (IsA(parsetree, DropStmt))
		return ((DropStmt *) parsetree)->behavior == DROP_CASCADE;
	return true;
}

/*
 * The other extensions a DROP EXTENSION drops beside this one (DROP EXTENSION
 * a, flashcard_schema): their members may depend on ours, as PostgreSQL allows.
 */
static List *
OtherDroppedExtensions(Node *parsetree, Oid self)
{
	List	   *others = NIL;
	ListCell   *lc;

	if (!IsA(parsetree, DropStmt) || ((DropStmt *) parsetree)->removeType != OBJECT_EXTENSION)
		return NIL;
	foreach(lc, ((DropStmt *) parsetree)->objects)
	{
		Oid			extension = get_extension_oid(strVal(lfirst(lc)), true);

		if (OidIsValid(extension) && extension != self)
			others = lappend_oid(others, extension);
	}
	return others;
}

/*
 * Rows of a table Citus distributes: they are on the shards, not in the
 * coordinator's table, and only a query through Citus counts them.
 */
static uint64
CountDistributedRows(Oid relid)
{
	uint64		n;
	bool		isnull;
	char	   *sql = psprintf("SELECT pg_catalog.count(*) FROM %s",
							   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
														  get_rel_name(relid)));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not count the rows of table %s", get_rel_name(relid));
	n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return n;
}

/*
 * Rows in a table's own heap, counted under a lock that keeps new rows out
 * until the statement ends; at most limit of them (0: all).  (A table Citus
 * distributes keeps its rows on the shards, not here.)
 */
static uint64
CountRowsLocked(Oid relid, LOCKMODE lockmode, uint64 limit)
{
	Relation	rel;
	Snapshot	snapshot;
	TableScanDesc scan;
	TupleTableSlot *slot;
	uint64		n = 0;

	rel = table_open(relid, lockmode);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = table_beginscan(rel, snapshot, 0, NULL);
	slot = table_slot_create(rel, NULL);
	while ((limit == 0 || n < limit) && table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		n++;
		CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	/* Keep the lock: no row can arrive between this count and the DROP */
	table_close(rel, NoLock);
	return n;
}

/* Rows of a table (through Citus for one it distributes), under the lock the DROP will take anyway */
static uint64
CountRows(Oid relid)
{
	if (CitusTable(relid))
		return CountDistributedRows(relid);
	return CountRowsLocked(relid, AccessExclusiveLock, 0);
}

/*
 * The extension's tables that hold rows, in the contract's order, counted
 * under a share lock (the statement takes its own); NIL if none does.  A
 * first pass stops at each table's first row: only when some table has one
 * are they counted.  Only the local heap: this runs inside DDL, where a
 * query through Citus could wait on the statement's own distributed locks,
 * so a table Citus distributes (its rows on the shards) counts as empty.
 */
static List *
TablesWithRows(const GuardedExtension *ext)
{
	Oid			relids[64];
	bool		any = false;
	List	   *tables = NIL;

	Assert(contract_ntables <= lengthof(relids));
	for (int i = 0; i < contract_ntables; i++)
	{
		relids[i] = GuardedTable(ext, contract_tables[i].name);
		if (OidIsValid(relids[i]) && !any)
			any = CountRowsLocked(relids[i], AccessShareLock, 1) > 0;
	}
	if (!any)
		return NIL;
	for (int i = 0; i < contract_ntables; i++)
	{
		AtStake    *t;
		uint64		rows;

		if (!OidIsValid(relids[i]) || (rows = CountRowsLocked(relids[i], AccessShareLock, 0)) == 0)
			continue;
		t = palloc0(sizeof(AtStake));
		t->relid = relids[i];
		t->table = contract_tables[i].name;
		t->rows = rows;
		t->readable = pg_class_aclcheck(relids[i], GetUserId(), ACL_SELECT) == ACLCHECK_OK;
		tables = lappend(tables, t);
	}
	return tables;
}

/*
 * "users: 2 rows, decks: 1 row" for the tables at stake; from 1.4 a table
 * the current role may not read is not named and its rows not counted, only
 * the number of such tables is said.  Sets *total to the rows shown and
 * *hidden to the tables not shown.
 */
static char *
DescribeRows(List *tables, bool backstop, uint64 *total, int *hidden)
{
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&buf);
	*total = 0;
	*hidden = 0;
	foreach(lc, tables)
	{
		AtStake    *t = (AtStake *) lfirst(lc);

		if (backstop && !t->readable)
		{
			(*hidden)++;
			continue;
		}
		appendStringInfo(&buf, "%s%s: " UINT64_FORMAT " row%s",
						 first ? "" : ", ", t->table, t->rows, t->rows == 1 ? "" : "s");
		*total += t->rows;
		first = false;
	}
	if (*hidden > 0 && first)
		appendStringInfo(&buf, ngettext("%d table holds rows; the current role may not read it, so its rows are not counted here",
										"%d tables hold rows; the current role may not read them, so their rows are not counted here",
										*hidden), *hidden);
	else if (*hidden > 0)
		appendStringInfo(&buf, ngettext(", and %d more table the current role may not read",
										", and %d more tables the current role may not read",
										*hidden), *hidden);
	return buf.data;
}

/* Refuse (or, with allow_data_loss, warn about) dropping tables that hold rows */
static void
ReportTablesAtStake(const char *command, List *tables, bool backstop, bool allow_data_loss)
{
	uint64		total;
	int			hidden;
	char	   *detail = DescribeRows(tables, backstop, &total, &hidden);

	if (!allow_data_loss && hidden == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg_plural("%s would drop the tables of flashcard_schema with " UINT64_FORMAT " row of data",
							   "%s would drop the tables of flashcard_schema with " UINT64_FORMAT " rows of data",
							   (unsigned long) total, command, total),
				 errdetail("Rows that would be lost: %s.", detail),
				 errhint("Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them "
						 "(for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on').")));
	if (!allow_data_loss)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s would drop the tables of flashcard_schema, which hold rows of data", command),
				 errdetail("Rows that would be lost: %s.", detail),
				 errhint("Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them "
						 "(for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on').")));
	if (hidden == 0)
		ereport(WARNING,
				(errmsg_plural("flashcard_schema.allow_data_loss is on: %s drops the tables of flashcard_schema with " UINT64_FORMAT " row of data",
							   "flashcard_schema.allow_data_loss is on: %s drops the tables of flashcard_schema with " UINT64_FORMAT " rows of data",
							   (unsigned long) total, command, total),
				 errdetail("Rows dropped: %s.", detail)));
	else
		ereport(WARNING,
				(errmsg("flashcard_schema.allow_data_loss is on: %s drops the tables of flashcard_schema, which hold rows of data", command),
				 errdetail("Rows dropped: %s.", detail)));
}

/*
 * Refuse (or, with allow_data_loss, warn about) dropping or changing keys,
 * indexes or empty tables of the extension while its tables hold rows
 * ("drop" or "change": what the statement does to them).
 */
static void
ReportObjectsAtStake(const char *command, const char *verb, const char *object,
					 int nobjects, List *tables, bool allow_data_loss)
{
	uint64		total;
	int			hidden;
	char	   *detail = DescribeRows(tables, true, &total, &hidden);

	if (!allow_data_loss && nobjects == 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s would %s %s of flashcard_schema while its tables hold rows",
						command, verb, object),
				 errdetail("Rows in its tables: %s.", detail),
				 errhint("The application relies on the keys and indexes of flashcard_schema to refuse duplicates and orphans, and only its scripts change them. "
						 "Run SET flashcard_schema.allow_data_loss = on in this session to do it anyway.")));
	if (!allow_data_loss)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s would %s %d objects of flashcard_schema, among them %s, while its tables hold rows",
						command, verb, nobjects, object),
				 errdetail("Rows in its tables: %s.", detail),
				 errhint("The application relies on the keys and indexes of flashcard_schema to refuse duplicates and orphans, and only its scripts change them. "
						 "Run SET flashcard_schema.allow_data_loss = on in this session to do it anyway.")));
	ereport(WARNING,
			(errmsg("flashcard_schema.allow_data_loss is on: %s %ss %s of flashcard_schema while its tables hold rows",
					command, verb, object),
			 errdetail("Rows in its tables: %s.", detail)));
}

/* Forget what the hook noted: a new statement starts, or the last one is over */
static void
ResetNoted(void)
{
	noted = false;
	noted_tables = NIL;
	noted_object = NULL;
	noted_objects = 0;
}

/* Refuse (or, with allow_data_loss, warn about) a DROP that takes rows with it */
void
GuardDrop(EventTriggerData *trigdata, bool allow_data_loss)
{
	GuardedExtension ext;
	List	   *tables = NIL;
	const char *command = GetCommandTagName(trigdata->tag);

	start_warned = false;
	ResetNoted();
	strlcpy(current_command, command, sizeof(current_command));
	if (!FindGuardedExtension(&ext))
		return;
	if (ext.backstop && GuardStatement(trigdata, &ext, command, allow_data_loss))
		return;
	if (!DropTakesTables(trigdata->parsetree, &ext))
		return;

	for (int i = 0; i < contract_ntables; i++)
	{
		Oid			relid = GuardedTable(&ext, contract_tables[i].name);
		AtStake    *t;

		if (!OidIsValid(relid))
			continue;
		t = palloc0(sizeof(AtStake));
		t->relid = relid;
		t->table = contract_tables[i].name;
		t->rows = CountRows(relid);
		t->readable = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
		t->dropped = true;
		if (t->rows > 0)
			tables = lappend(tables, t);
	}
	if (tables != NIL && !allow_data_loss)
		ReportTablesAtStake(command, tables, ext.backstop, false);	/* refuses */

	/*
	 * The drop goes ahead: first refuse it, in the extension's words, if an
	 * object outside the extension blocks it (src/blockers.c)
	 */
	RefuseBlockedDrop(command, DropCascades(trigdata->parsetree),
					  OtherDroppedExtensions(trigdata->parsetree, ext.oid));
	if (tables == NIL)
		return;
	ReportTablesAtStake(command, tables, ext.backstop, allow_data_loss);
	start_warned = true;
}

/*
 * The extension's table one of its indexes belongs to, or InvalidOid (also
 * for an index someone else added, which is theirs to drop)
 */
static Oid
GuardedIndexTable(const GuardedExtension *ext, Oid indexid)
{
	Oid			relid;
	const char *name;

	if (!OidIsValid(indexid) || get_rel_relkind(indexid) != RELKIND_INDEX ||
		(name = get_rel_name(indexid)) == NULL || !IsContractIndexOrKey(name))
		return InvalidOid;
	relid = IndexGetRelation(indexid, true);
	if (!OidIsValid(relid) || get_rel_namespace(relid) != ext->namespace)
		return InvalidOid;
	name = get_rel_name(relid);
	return name != NULL && IsContractTable(name) && GuardedTable(ext, name) == relid ? relid : InvalidOid;
}

/* "index "ix_users_email" of table "users"" */
static char *
DescribeIndex(Oid indexid, Oid relid)
{
	return psprintf("index \"%s\" of table \"%s\"", get_rel_name(indexid), get_rel_name(relid));
}

/* The index a statement names (ALTER INDEX in its several forms), or NULL */
static RangeVar *
AlteredIndex(Node *parsetree)
{
	if (IsA(parsetree, AlterTableStmt) && ((AlterTableStmt *) parsetree)->objtype == OBJECT_INDEX)
		return ((AlterTableStmt *) parsetree)->relation;
	if (IsA(parsetree, RenameStmt) && ((RenameStmt *) parsetree)->renameType == OBJECT_INDEX)
		return ((RenameStmt *) parsetree)->relation;
	if (IsA(parsetree, AlterObjectSchemaStmt) && ((AlterObjectSchemaStmt *) parsetree)->objectType == OBJECT_INDEX)
		return ((AlterObjectSchemaStmt *) parsetree)->relation;
	if (IsA(parsetree, AlterObjectDependsStmt) && ((AlterObjectDependsStmt *) parsetree)->objectType == OBJECT_INDEX)
		return ((AlterObjectDependsStmt *) parsetree)->relation;
	return NULL;
}

/*
 * From 1.4, what the start trigger refuses besides a DROP that takes the
 * tables: adding a member to the extension, and dropping or changing one of
 * its indexes while its tables hold rows.  True if the statement was one of
 * these (and was let through).
 */
static bool
GuardStatement(EventTriggerData *trigdata, const GuardedExtension *ext,
			   const char *command, bool allow_data_loss)
{
	Node	   *parsetree = trigdata->parsetree;
	char	   *object = NULL;
	int			nobjects = 0;
	const char *verb = "drop";
	RangeVar   *altered;
	List	   *tables;

	/* The extension's own scripts (and pg_upgrade restoring its members) may */
	if (creating_extension || IsBinaryUpgrade)
		return false;

	if (IsA(parsetree, AlterExtensionContentsStmt))
	{
		AlterExtensionContentsStmt *stmt = (AlterExtensionContentsStmt *) parsetree;

		if (stmt->action > 0 && strcmp(stmt->extname, EXTENSION_NAME) == 0 && !allow_data_loss)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot add objects to extension \"%s\"", EXTENSION_NAME),
					 errdetail("A member added from outside its scripts would be dropped with it, and dropping that member "
							   "(or what it depends on) with CASCADE would drop the extension and its tables."),
					 errhint("Its scripts alone decide its members; a session that must add one anyway can run SET flashcard_schema.allow_data_loss = on first.")));
		return true;
	}
	if (IsA(parsetree, DropStmt) && ((DropStmt *) parsetree)->removeType == OBJECT_INDEX)
	{
		ListCell   *lc;

		foreach(lc, ((DropStmt *) parsetree)->objects)
		{
			Oid			indexid = RangeVarGetRelid(makeRangeVarFromNameList((List *) lfirst(lc)), NoLock, true);
			Oid			relid = GuardedIndexTable(ext, indexid);

			if (!OidIsValid(relid))
				continue;
			if (object == NULL)
				object = DescribeIndex(indexid, relid);
			nobjects++;
		}
	}
	else if ((altered = AlteredIndex(parsetree)) != NULL)
	{
		Oid			indexid = RangeVarGetRelid(altered, NoLock, true);
		Oid			relid = GuardedIndexTable(ext, indexid);

		verb = "change";
		if (OidIsValid(relid))
		{
			object = DescribeIndex(indexid, relid);
			nobjects = 1;
		}
	}
	else
		return false;

	if (nobjects > 0 && (tables = TablesWithRows(ext)) != NIL)
	{
		ReportObjectsAtStake(command, verb, object, nobjects, tables, allow_data_loss);
		start_warned = strcmp(verb, "drop") == 0;
	}
	return true;
}

/*
 * Whether a dropped object is one of the extension's tables, or a key or an
 * index of one; if so *table says which table it is (or InvalidOid) and
 * *object describes it.
 */
static bool
GuardedObject(const GuardedExtension *ext, Oid classId, Oid objectId, int subId,
			  int flags, Oid *table, char **object)
{
	*table = InvalidOid;
	*object = NULL;
	if (classId == RelationRelationId && subId == 0)
	{
		char		relkind = get_rel_relkind(objectId);
		const char *name;

		if (relkind == RELKIND_RELATION && get_rel_namespace(objectId) == ext->namespace &&
			(name = get_rel_name(objectId)) != NULL && IsContractTable(name))
		{
			*table = objectId;
			*object = psprintf("table \"%s\"", name);
			return true;
		}

		/*
		 * An index rebuilt by ALTER TABLE or REINDEX CONCURRENTLY is no loss;
		 * one behind a key is noted as the key
		 */
		if (relkind == RELKIND_INDEX && !(flags & PERFORM_DELETION_INTERNAL) &&
			!OidIsValid(get_index_constraint(objectId)))
		{
			Oid			relid = GuardedIndexTable(ext, objectId);

			if (OidIsValid(relid))
				*object = DescribeIndex(objectId, relid);
			return OidIsValid(relid);
		}
	}
	else if (classId == ConstraintRelationId && !(flags & PERFORM_DELETION_INTERNAL))
	{
		HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(objectId));

		if (HeapTupleIsValid(tup))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
			const char *name = OidIsValid(con->conrelid) ? get_rel_name(con->conrelid) : NULL;

			if ((con->contype == CONSTRAINT_PRIMARY || con->contype == CONSTRAINT_UNIQUE ||
				 con->contype == CONSTRAINT_FOREIGN) &&
				name != NULL && get_rel_namespace(con->conrelid) == ext->namespace &&
				IsContractTable(name) && IsContractIndexOrKey(NameStr(con->conname)))
				*object = psprintf("constraint \"%s\" of table \"%s\"", NameStr(con->conname), name);
			ReleaseSysCache(tup);
		}
		return *object != NULL;
	}
	return false;
}

/*
 * Object access hook: just before an object is dropped, note it if it is
 * one of the extension's tables, or a key or index of one; at the first
 * such object of a statement, count the rows of every table (all still
 * there).  The sql_drop trigger refuses at the end of the statement
 * (GuardDroppedObjects), or this hook when the extension itself is dropped
 * (its sql_drop trigger goes with it).
 */
static void
GuardNoteDrop(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	GuardedExtension ext;
	char	   *object;
	int			flags;
	Oid			table;
	bool		table_with_rows = false;
	List	   *tables;
	ListCell   *lc;
	MemoryContext old;
	bool		allow = allow_data_loss_setting != NULL && *allow_data_loss_setting;

	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);
	if (access != OAT_DROP || creating_extension || IsBinaryUpgrade || guard_suspended ||
		(classId != RelationRelationId && classId != ConstraintRelationId &&
		 classId != ExtensionRelationId) ||
		(allow && start_warned))
		return;
	flags = arg ? ((ObjectAccessDrop *) arg)->dropflags : 0;
	if (!FindGuardedExtension(&ext) || !ext.backstop)
		return;

	/*
	 * The extension itself goes last, after all its members, the sql_drop
	 * trigger among them: that trigger will not fire, so refuse here.
	 */
	if (classId == ExtensionRelationId)
	{
		if (objectId == ext.oid && noted)
			GuardDroppedObjects(current_command, allow);
		return;
	}
	if (!GuardedObject(&ext, classId, objectId, subId, flags, &table, &object))
		return;

	/* Counted here (the scans' memory goes with the statement), kept for the transaction */
	tables = noted ? NIL : TablesWithRows(&ext);
	old = MemoryContextSwitchTo(TopTransactionContext);
	if (!noted)
	{
		foreach(lc, tables)
		{
			AtStake    *copy = palloc(sizeof(AtStake));

			*copy = *(AtStake *) lfirst(lc);
			noted_tables = lappend(noted_tables, copy);
		}
		noted = true;
	}
	foreach(lc, noted_tables)
	{
		AtStake    *t = (AtStake *) lfirst(lc);

		if (t->relid == table)
		{
			t->dropped = true;
			table_with_rows = true;
		}
	}
	if (!table_with_rows)
	{
		/* Name a table if one goes, else the first key or index */
		if (noted_object == NULL || (OidIsValid(table) && strncmp(noted_object, "table ", 6) != 0))
			noted_object = pstrdup(object);
		noted_objects++;
	}
	MemoryContextSwitchTo(old);

	/* DROP INDEX CONCURRENTLY commits before the statement ends: refuse now */
	if (flags & PERFORM_DELETION_CONCURRENTLY)
		GuardDroppedObjects(current_command, allow);
}

/*
 * At sql_drop, the end of a statement that dropped something: refuse (or,
 * with allow_data_loss, warn) if it dropped tables of the extension that
 * held rows, or keys, indexes or empty tables of it while its tables held
 * rows.  The ERROR undoes the statement.
 */
void
GuardDroppedObjects(const char *command, bool allow_data_loss)
{
	List	   *tables = noted_tables;
	List	   *lost = NIL;
	char	   *object = noted_object;
	int			nobjects = noted_objects;
	bool		warned = start_warned;
	ListCell   *lc;

	ResetNoted();
	start_warned = false;
	if (tables == NIL || (allow_data_loss && warned))
		return;
	/* Name the tables dropped with their rows: their keys go with them */
	foreach(lc, tables)
	{
		if (((AtStake *) lfirst(lc))->dropped)
			lost = lappend(lost, lfirst(lc));
	}
	if (lost != NIL)
		ReportTablesAtStake(command, lost, true, allow_data_loss);
	else if (nobjects > 0)
		ReportObjectsAtStake(command, "drop", object, nobjects, tables, allow_data_loss);
}

/* Forget what the hook noted when a transaction ends */
static void
GuardXactCallback(XactEvent event, void *arg)
{
	ResetNoted();
	start_warned = false;
	guard_suspended = false;
}

/*
 * Let the extension's own C code (flashcard_schema_distribute(), which drops
 * and re-adds keys keeping every row) change keys of tables with rows; on
 * until GuardSuspend(false) or the end of the transaction.
 */
void
GuardSuspend(bool suspend)
{
	guard_suspended = suspend;
}

/* Forget what the hook noted (and any suspension) when a subtransaction aborts: nothing was dropped */
static void
GuardSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		ResetNoted();
		guard_suspended = false;
	}
}

/* Install the object access hook (from _PG_init); allow_data_loss is the setting's variable */
void
GuardInit(const bool *allow_data_loss)
{
	allow_data_loss_setting = allow_data_loss;
	prev_object_access_hook = object_access_hook;
	object_access_hook = GuardNoteDrop;
	RegisterXactCallback(GuardXactCallback, NULL);
	RegisterSubXactCallback(GuardSubXactCallback, NULL);
}
