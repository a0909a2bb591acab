/*-------------------------------------------------------------------------
 *
 * drop_guard.c
 *	  Refuse a DROP that would take the extension's tables with their rows.
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
 * session.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "citus.h"
#include "contract.h"
#include "drop_guard.h"

#define EXTENSION_NAME "flashcard_schema"

/* The installed extension as the guard needs it */
typedef struct GuardedExtension
{
	Oid			oid;
	Oid			owner;
	Oid			namespace;
	Oid			nspowner;
} GuardedExtension;

/* Look up an installed extension by name; false if it is not installed */
static bool
FindExtension(const char *name, GuardedExtension *ext)
{
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(name));
	catalog = table_open(ExtensionRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		Form_pg_extension form = (Form_pg_extension) GETSTRUCT(tup);

		ext->oid = form->oid;
		ext->owner = form->extowner;
		ext->namespace = form->extnamespace;
		found = true;
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return found;
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

/* Rows of a table, counted under the lock the DROP will take anyway */
static uint64
CountRows(Oid relid)
{
	Relation	rel = table_open(relid, AccessExclusiveLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	uint64		n = 0;

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
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

/* Refuse (or, with allow_data_loss, warn about) a DROP that takes rows with it */
void
GuardDrop(EventTriggerData *trigdata, bool allow_data_loss)
{
	GuardedExtension ext;
	StringInfoData detail;
	uint64		total = 0;
	const char *command = GetCommandTagName(trigdata->tag);

	if (!FindGuardedExtension(&ext) || !DropTakesTables(trigdata->parsetree, &ext))
		return;

	initStringInfo(&detail);
	for (int i = 0; i < contract_ntables; i++)
	{
		Oid			relid = GuardedTable(&ext, contract_tables[i].name);
		uint64		n;

		if (!OidIsValid(relid))
			continue;
		n = CitusTable(relid) ? CountDistributedRows(relid) : CountRows(relid);
		if (n == 0)
			continue;
		appendStringInfo(&detail, "%s%s: " UINT64_FORMAT " row%s",
						 total > 0 ? ", " : "", contract_tables[i].name, n, n == 1 ? "" : "s");
		total += n;
	}
	if (total == 0)
		return;

	if (!allow_data_loss)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg_plural("%s would drop the tables of flashcard_schema with " UINT64_FORMAT " row of data",
							   "%s would drop the tables of flashcard_schema with " UINT64_FORMAT " rows of data",
							   (unsigned long) total, command, total),
				 errdetail("Rows that would be lost: %s.", detail.data),
				 errhint("Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them "
						 "(for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on').")));
	ereport(WARNING,
			(errmsg_plural("flashcard_schema.allow_data_loss is on: %s drops the tables of flashcard_schema with " UINT64_FORMAT " row of data",
						   "flashcard_schema.allow_data_loss is on: %s drops the tables of flashcard_schema with " UINT64_FORMAT " rows of data",
						   (unsigned long) total, command, total),
			 errdetail("Rows dropped: %s.", detail.data)));
}
