/*-------------------------------------------------------------------------
 *
 * blockers.c
 *	  Refuse an update or downgrade that another role's object would block,
 *	  before anything changes, naming the object, its owner and the way out.
 *
 * What a route puts at stake is read from the contract, step by step:
 *
 * - a column whose type changes (ALTER COLUMN ... TYPE), or that goes:
 *   views, rules, triggers, policies, functions (BEGIN ATOMIC) and other
 *   tables' foreign keys using it block that, and so does any column of
 *   another table (a temporary one included) typed with the table's row
 *   type;
 * - an enum type that loses labels: the script renames it, creates it anew,
 *   moves the extension's columns over and drops the old type, which
 *   anything else using it (a column of another table, a function, a domain,
 *   a view casting to it) blocks;
 * - a function whose signature changes, or that goes: it is dropped, which
 *   whatever depends on it (a view calling flashcard_schema_status()) blocks.
 *
 * PostgreSQL's own refusals come late (after the earlier steps' work) and
 * generic ("cannot alter type of a column used by a view or rule"); these
 * come first and name the object, its owner and the way out.
 *
 * Then each table the route alters is waited for with the bounded wait
 * every script uses (lock_timeout, 5s when the session has none) and let
 * go again, so that a route of several steps stops before its first one
 * when a long transaction holds a table of a later one, and a wait that
 * runs out names the sessions holding the lock.  The scripts take each lock
 * again when their step comes (a transaction that starts in between meets
 * the scripts' own message).
 *
 * Called from the DROP guard's event trigger (ALTER EXTENSION ... UPDATE
 * from 1.3 on: the whole route, before any script runs), from the update
 * script to 1.3 (through flashcard_schema_replication_warning()) and from
 * 1.4's scripts.  Routes that start below 1.3 and end below it have no hook
 * in the released scripts: there PostgreSQL's own errors stand.
 *
 * The extension as a whole (RefuseBlockedDrop, from the DROP guard when a
 * DROP EXTENSION, DROP SCHEMA ... CASCADE or DROP OWNED BY is about to take
 * it): without CASCADE, any object outside the extension that depends on a
 * member (a view over reviews, a column of decklevel, a function taking the
 * row type) blocks, as PostgreSQL's own check would, but named with its
 * owner and the way out; with CASCADE, whatever the cascade would reach in
 * another session's temporary schema blocks (PostgreSQL would drop that
 * session's table, or a column of it and its rows, from under it).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#if PG_VERSION_NUM >= 170000
#include "storage/procarray.h"
#else
#include "storage/sinvaladt.h"
#endif
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "blockers.h"
#include "contract.h"
#include "extension.h"
#include "replication.h"

/* The most blockers a refusal lists */
#define MAX_LISTED 10

/* Another role's object that a step of the route cannot get past */
typedef struct Blocker
{
	ObjectAddress object;		/* the object, as the user knows it (a view, not its rule) */
	ObjectAddress stake;		/* what the step changes that the object depends on */
	const char *change;			/* "changes the type of", "drops", ... */
} Blocker;

/* What one check of a route carries around */
typedef struct RouteCheck
{
	const InstalledExtension *ext;
	List	   *blockers;		/* of Blocker * */
	List	   *tables;			/* of Oid: the tables the route alters, to lock */
	List	   *also_dropped;	/* of Oid: other extensions the same DROP drops */
} RouteCheck;

/* The contract's column of a table at a revision, or NULL */
static const ContractColumn *
ColumnAt(int revision, const char *table, const char *name)
{
	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];

		if (CONTRACT_IN(c, revision) && strcmp(c->table, table) == 0 && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

/* Whether an enum type of the contract loses labels from revision a to b (it is rebuilt) */
static bool
TypeLosesLabels(const char *type, int a, int b)
{
	for (int i = 0; i < contract_nlabels; i++)
		if (strcmp(contract_labels[i].type, type) == 0 &&
			CONTRACT_IN(&contract_labels[i], a) && !CONTRACT_IN(&contract_labels[i], b))
			return true;
	return false;
}

/* The installed enum type of that name in the extension's schema, or InvalidOid */
static Oid
ExtensionType(const InstalledExtension *ext, const char *name)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
						   ObjectIdGetDatum(ext->namespace));
}

/* The relation (and column) a column default belongs to, read by its oid */
static Oid
DefaultsColumn(Oid objid, AttrNumber *attnum)
{
	Relation	catalog;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			relid = InvalidOid;

	/* pg_attrdef has no syscache by oid before PostgreSQL 16: its index */
	ScanKeyInit(&key, Anum_pg_attrdef_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(objid));
	catalog = table_open(AttrDefaultRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, AttrDefaultOidIndexId, true, NULL, 1, &key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		relid = ((Form_pg_attrdef) GETSTRUCT(tup))->adrelid;
		if (attnum != NULL)
			*attnum = ((Form_pg_attrdef) GETSTRUCT(tup))->adnum;
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return relid;
}

/* The relation a rule, trigger, policy, table constraint or column default belongs to (read by its oid) */
static Oid
OwningRelation(Oid classid, Oid objid)
{
	Relation	catalog;
	HeapTuple	tup;
	AttrNumber	oidcol;
	AttrNumber	relcol;
	Oid			relid = InvalidOid;

	if (classid == RewriteRelationId)
		oidcol = Anum_pg_rewrite_oid, relcol = Anum_pg_rewrite_ev_class;
	else if (classid == TriggerRelationId)
		oidcol = Anum_pg_trigger_oid, relcol = Anum_pg_trigger_tgrelid;
	else if (classid == PolicyRelationId)
		oidcol = Anum_pg_policy_oid, relcol = Anum_pg_policy_polrelid;
	else if (classid == ConstraintRelationId)
		oidcol = Anum_pg_constraint_oid, relcol = Anum_pg_constraint_conrelid;
	else if (classid == AttrDefaultRelationId)
		return DefaultsColumn(objid, NULL);
	else
		return InvalidOid;
	catalog = table_open(classid, AccessShareLock);
	tup = get_catalog_object_by_oid(catalog, oidcol, objid);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, relcol, RelationGetDescr(catalog), &isnull);

		if (!isnull)
			relid = DatumGetObjectId(d);
	}
	table_close(catalog, AccessShareLock);
	return relid;
}

/*
 * The object a dependency names, as the user knows it: the view for the
 * rule that makes it one, the relation for one of its columns, the column
 * for its default.
 */
static ObjectAddress
UserObject(Oid classid, Oid objid, int32 objsubid)
{
	ObjectAddress addr;

	ObjectAddressSubSet(addr, classid, objid, objsubid);
	if (classid == RelationRelationId && objsubid != 0)
	{
		char		relkind = get_rel_relkind(objid);

		if (relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW)
			ObjectAddressSet(addr, RelationRelationId, objid);
	}
	else if (classid == AttrDefaultRelationId)
	{
		AttrNumber	attnum = InvalidAttrNumber;
		Oid			relid = DefaultsColumn(objid, &attnum);

		/* a column's default: the column */
		if (OidIsValid(relid))
			ObjectAddressSubSet(addr, RelationRelationId, relid, attnum);
	}
	else if (classid == RewriteRelationId)
	{
		Oid			relid = OwningRelation(classid, objid);
		char		relkind = OidIsValid(relid) ? get_rel_relkind(relid) : '\0';

		if (relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW)
			ObjectAddressSet(addr, RelationRelationId, relid);
	}
	return addr;
}

/* The relation, routine or type whose owner and schema stand for an object */
static void
OwnerAndSchema(const ObjectAddress *addr, Oid *owner, Oid *nsp)
{
	Oid			classid = addr->classId;
	Oid			objid = addr->objectId;
	HeapTuple	tup;

	*owner = InvalidOid;
	*nsp = InvalidOid;
	if (classid == RewriteRelationId || classid == TriggerRelationId || classid == PolicyRelationId ||
		classid == ConstraintRelationId || classid == AttrDefaultRelationId)
	{
		objid = OwningRelation(classid, objid);
		classid = RelationRelationId;
	}
	if (classid == RelationRelationId)
	{
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(objid));
		if (HeapTupleIsValid(tup))
		{
			*owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
			*nsp = ((Form_pg_class) GETSTRUCT(tup))->relnamespace;
			ReleaseSysCache(tup);
		}
	}
	else if (classid == ProcedureRelationId)
	{
		tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(objid));
		if (HeapTupleIsValid(tup))
		{
			*owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
			*nsp = ((Form_pg_proc) GETSTRUCT(tup))->pronamespace;
			ReleaseSysCache(tup);
		}
	}
	else if (classid == TypeRelationId)
	{
		tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(objid));
		if (HeapTupleIsValid(tup))
		{
			*owner = ((Form_pg_type) GETSTRUCT(tup))->typowner;
			*nsp = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
			ReleaseSysCache(tup);
		}
	}
}

/* The process whose session owns a temporary schema: 0 if none is (or it is gone) */
static int
TempSchemaPid(Oid nsp)
{
	PGPROC	   *proc = NULL;

	if (!OidIsValid(nsp) || !isAnyTempNamespace(nsp))
		return 0;
	if (isTempNamespace(nsp))
		return MyProcPid;
#if PG_VERSION_NUM >= 170000
	{
		ProcNumber	n = GetTempNamespaceProcNumber(nsp);

		if (n != INVALID_PROC_NUMBER)
			proc = ProcNumberGetProc(n);
	}
#else
	{
		int			backend = GetTempNamespaceBackendId(nsp);

		if (backend != InvalidBackendId)
			proc = BackendIdGetProc(backend);
	}
#endif
	/* A backend reusing the slot has a temporary schema of its own, or none yet */
	return proc && proc->tempNamespaceId == nsp ? proc->pid : 0;
}

/* "view \"public.v\"": an object's kind and its qualified name */
static char *
Describe(const ObjectAddress *addr)
{
	char	   *kind = getObjectTypeDescription(addr, true);
	char	   *name = getObjectIdentity(addr, true);

	if (kind == NULL || name == NULL)
		return psprintf("object %u of catalog %u", addr->objectId, addr->classId);
	return psprintf("%s \"%s\"", kind, name);
}

/* Whether an object (a column: its relation; a rule: its relation) belongs to the extension */
static bool
ExtensionMember(RouteCheck *rc, const ObjectAddress *addr)
{
	Oid			classid = addr->classId;
	Oid			objid = addr->objectId;
	Oid			extension;

	if (classid == RewriteRelationId || classid == TriggerRelationId || classid == PolicyRelationId ||
		classid == ConstraintRelationId || classid == AttrDefaultRelationId)
	{
		objid = OwningRelation(classid, objid);
		classid = RelationRelationId;
	}
	if (!OidIsValid(objid))
		return false;
	extension = getExtensionOfObject(classid, objid);
	return extension == rc->ext->oid || list_member_oid(rc->also_dropped, extension);
}

/* Record a blocker, once per object */
static void
AddBlocker(RouteCheck *rc, const ObjectAddress *object, const ObjectAddress *stake, const char *change)
{
	Blocker    *b;
	ListCell   *lc;

	foreach(lc, rc->blockers)
	{
		Blocker    *seen = (Blocker *) lfirst(lc);

		if (seen->object.classId == object->classId && seen->object.objectId == object->objectId &&
			seen->object.objectSubId == object->objectSubId)
			return;
	}
	b = palloc(sizeof(Blocker));
	b->object = *object;
	b->stake = *stake;
	b->change = change;
	rc->blockers = lappend(rc->blockers, b);
}

/*
 * The objects that depend on an object or one of its columns (objsubid 0:
 * on the object or any column): normally, as a user's object does, or (all)
 * in any way that a drop of it cascades along.
 */
static List *
DependentsOf(Oid classid, Oid objid, int32 objsubid, bool all)
{
	Relation	depend;
	SysScanDesc scan;
	ScanKeyData key[3];
	HeapTuple	tup;
	List	   *result = NIL;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(classid));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(objid));
	ScanKeyInit(&key[2], Anum_pg_depend_refobjsubid, BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum(objsubid));
	depend = table_open(DependRelationId, AccessShareLock);
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, objsubid != 0 ? 3 : 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		ObjectAddress *addr;

		if (!all && dep->deptype != DEPENDENCY_NORMAL)
			continue;
		addr = palloc(sizeof(ObjectAddress));
		ObjectAddressSubSet(*addr, dep->classid, dep->objid, dep->objsubid);
		result = lappend(result, addr);
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
	return result;
}

/* The objects that depend normally (as a user's object does) on an object or one of its columns */
static List *
Dependents(Oid classid, Oid objid, int32 objsubid)
{
	return DependentsOf(classid, objid, objsubid, false);
}

/*
 * The columns of other relations typed with a type, directly or through
 * its array type, a domain over it or a composite type containing it (as
 * ALTER TABLE's own check finds them).
 */
static void
ColumnsUsingType(RouteCheck *rc, Oid typid, Oid table, const ObjectAddress *stake,
				 const char *change, int depth)
{
	ListCell   *lc;
	Oid			array = get_array_type(typid);

	if (depth > 4)
		return;
	if (OidIsValid(array))
		ColumnsUsingType(rc, array, table, stake, change, depth + 1);
	foreach(lc, Dependents(TypeRelationId, typid, 0))
	{
		ObjectAddress *dep = (ObjectAddress *) lfirst(lc);

		if (dep->classId == RelationRelationId && dep->objectSubId > 0 && dep->objectId != table)
		{
			char		relkind = get_rel_relkind(dep->objectId);

			/* Views store no rows: ALTER TABLE lets them be */
			if (relkind == RELKIND_COMPOSITE_TYPE)
				ColumnsUsingType(rc, get_rel_type_id(dep->objectId), table, stake, change, depth + 1);
			else if ((relkind == RELKIND_RELATION || relkind == RELKIND_MATVIEW) &&
					 !ExtensionMember(rc, dep))
				AddBlocker(rc, dep, stake, change);
		}
		else if (dep->classId == TypeRelationId)	/* a domain over it */
			ColumnsUsingType(rc, dep->objectId, table, stake, change, depth + 1);
	}
}

/* Note a table the route alters, to lock it first */
static void
AddTable(RouteCheck *rc, Oid relid)
{
	if (OidIsValid(relid) && !list_member_oid(rc->tables, relid))
		rc->tables = lappend_oid(rc->tables, relid);
}

/*
 * A column of an extension's table that the step changes the type of (or
 * drops): what uses the column blocks it, and so do columns of other
 * relations of the table's row type.
 */
static void
ColumnAtStake(RouteCheck *rc, const ContractColumn *c, bool dropped)
{
	Oid			relid = get_relname_relid(c->table, rc->ext->namespace);
	AttrNumber	attnum = OidIsValid(relid) ? get_attnum(relid, c->name) : InvalidAttrNumber;
	ObjectAddress stake;
	ListCell   *lc;
	const char *change = dropped ? "drops" : "changes the type of";

	if (attnum == InvalidAttrNumber)
		return;
	AddTable(rc, relid);
	ObjectAddressSubSet(stake, RelationRelationId, relid, attnum);
	foreach(lc, Dependents(RelationRelationId, relid, attnum))
	{
		ObjectAddress *dep = (ObjectAddress *) lfirst(lc);
		ObjectAddress user;

		/*
		 * The table's own indexes, constraints and defaults follow the
		 * column; another table's foreign key into it does not
		 */
		if (dep->classId == ConstraintRelationId)
		{
			if (OwningRelation(dep->classId, dep->objectId) == relid)
				continue;
		}
		else if (dep->classId != RewriteRelationId && dep->classId != TriggerRelationId &&
				 dep->classId != PolicyRelationId && dep->classId != ProcedureRelationId)
			continue;
		if (ExtensionMember(rc, dep))
			continue;
		user = UserObject(dep->classId, dep->objectId, dep->objectSubId);
		AddBlocker(rc, &user, &stake, change);
	}
	if (!dropped)
	{
		ObjectAddress rowtype;

		ObjectAddressSet(rowtype, TypeRelationId, get_rel_type_id(relid));
		ColumnsUsingType(rc, rowtype.objectId, relid, &rowtype, "changes the row type of", 0);
	}
}

/* An enum type the step rebuilds: anything else using it (or its array type) blocks */
static void
TypeAtStake(RouteCheck *rc, const char *name)
{
	Oid			typid = ExtensionType(rc->ext, name);
	Oid			types[2];
	ObjectAddress stake;

	if (!OidIsValid(typid))
		return;
	ObjectAddressSet(stake, TypeRelationId, typid);
	types[0] = typid;
	types[1] = get_array_type(typid);
	for (int t = 0; t < 2; t++)
	{
		ListCell   *lc;

		if (!OidIsValid(types[t]))
			continue;
		foreach(lc, Dependents(TypeRelationId, types[t], 0))
		{
			ObjectAddress *dep = (ObjectAddress *) lfirst(lc);
			ObjectAddress user;

			if (ExtensionMember(rc, dep))
				continue;
			user = UserObject(dep->classId, dep->objectId, dep->objectSubId);
			AddBlocker(rc, &user, &stake, "re-creates");
		}
	}
}

/* A function of the extension the step drops (to re-create it, or for good) */
static void
FunctionAtStake(RouteCheck *rc, const char *name, bool recreated)
{
	CatCList   *list = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(name));

	for (int i = 0; i < list->n_members; i++)
	{
		Form_pg_proc p = (Form_pg_proc) GETSTRUCT(&list->members[i]->tuple);
		ObjectAddress stake;
		ListCell   *lc;

		if (p->pronamespace != rc->ext->namespace ||
			getExtensionOfObject(ProcedureRelationId, p->oid) != rc->ext->oid)
			continue;
		ObjectAddressSet(stake, ProcedureRelationId, p->oid);
		foreach(lc, Dependents(ProcedureRelationId, p->oid, 0))
		{
			ObjectAddress *dep = (ObjectAddress *) lfirst(lc);
			ObjectAddress user;

			if (ExtensionMember(rc, dep))
				continue;
			user = UserObject(dep->classId, dep->objectId, dep->objectSubId);
			AddBlocker(rc, &user, &stake, recreated ? "drops and re-creates" : "drops");
		}
	}
	ReleaseSysCacheList(list);
}

/* Whether a contract function has the same signature at revision b */
static bool
FunctionKept(const ContractFunction *f, int b, bool *named)
{
	*named = false;
	for (int i = 0; i < contract_nfunctions; i++)
	{
		const ContractFunction *g = &contract_functions[i];

		if (!CONTRACT_IN(g, b) || strcmp(g->name, f->name) != 0)
			continue;
		*named = true;
		if (strcmp(g->arguments, f->arguments) == 0 && strcmp(g->result, f->result) == 0)
			return true;
	}
	return false;
}

/* What one step (adjacent revisions a to b) puts at stake */
static void
CheckStep(RouteCheck *rc, int a, int b)
{
	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];
		const ContractColumn *d;

		if (CONTRACT_IN(c, a))
		{
			d = ColumnAt(b, c->table, c->name);
			if (d == NULL)
				ColumnAtStake(rc, c, true);
			else if (strcmp(c->type, d->type) != 0 || TypeLosesLabels(c->type, a, b))
				ColumnAtStake(rc, c, false);
		}
		else if (CONTRACT_IN(c, b) && ColumnAt(a, c->table, c->name) == NULL)
			AddTable(rc, get_relname_relid(c->table, rc->ext->namespace));	/* added */
	}
	for (int i = 0; i < contract_nlabels; i++)
	{
		const char *type = contract_labels[i].type;

		if ((i == 0 || strcmp(contract_labels[i - 1].type, type) != 0) && TypeLosesLabels(type, a, b))
			TypeAtStake(rc, type);
	}
	for (int i = 0; i < contract_nfunctions; i++)
	{
		const ContractFunction *f = &contract_functions[i];
		bool		named;

		if (CONTRACT_IN(f, a) && !FunctionKept(f, b, &named))
			FunctionAtStake(rc, f->name, named);
	}
}

/*
 * Wait for a table's ACCESS EXCLUSIVE lock as the scripts do, at most
 * lock_timeout (5s when the session has none), and let it go again: its
 * step takes it when its turn comes, so that no table is held longer than
 * the scripts hold it (1.3 -> 1.1 must not keep decks from its readers
 * while reviews is rewritten).  When the wait runs out, fail naming the
 * sessions holding a lock on it, before any step has run.
 */
static void
ProbeLock(Oid relid, const char *verb, const char *target)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	const char *timeout = LockTimeout == 0 ? "5s" : GetConfigOptionByName("lock_timeout", NULL, false);
	ErrorData  *volatile edata = NULL;
	StringInfoData holders;
	int			first_pid = 0;
	Oid			argtype = OIDOID;
	Datum		arg = ObjectIdGetDatum(relid);

	if (ConditionalLockRelationOid(relid, AccessExclusiveLock))
	{
		UnlockRelationOid(relid, AccessExclusiveLock);
		return;
	}
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int			level = NewGUCNestLevel();

		if (LockTimeout == 0)
			(void) set_config_option("lock_timeout", "5s", PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
		LockRelationOid(relid, AccessExclusiveLock);
		/* Let it go here, where this subtransaction's resource owner holds it */
		UnlockRelationOid(relid, AccessExclusiveLock);
		AtEOXact_GUC(true, level);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
			ReThrowError(edata);
	}
	PG_END_TRY();
	if (edata == NULL)
		return;

	/* Who holds it (a snapshot: some may have let go since) */
	initStringInfo(&holders);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT l.pid, a.usename, a.state, a.xact_start::pg_catalog.text, l.mode "
							  "FROM pg_catalog.pg_locks l "
							  "LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid "
							  "WHERE l.locktype OPERATOR(pg_catalog.=) 'relation' AND l.granted "
							  "AND l.relation OPERATOR(pg_catalog.=) $1 "
							  "AND l.database OPERATOR(pg_catalog.=) "
							  "(SELECT oid FROM pg_catalog.pg_database "
							  "WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database()) "
							  "AND l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid() "
							  "ORDER BY a.xact_start NULLS LAST, l.pid",
							  1, &argtype, &arg, NULL, true, MAX_LISTED) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *pid = SPI_getvalue(row, desc, 1);
		char	   *role = SPI_getvalue(row, desc, 2);
		char	   *state = SPI_getvalue(row, desc, 3);
		char	   *since = SPI_getvalue(row, desc, 4);

		if (i == 0)
			first_pid = pg_strtoint32(pid);
		appendStringInfo(&holders, "%s %s (role \"%s\", %s%s%s) holds %s",
						 i > 0 ? "; process" : "Process", pid, role ? role : "?", state ? state : "state unknown",
						 since ? ", transaction started " : "", since ? since : "", SPI_getvalue(row, desc, 5));
	}
	SPI_finish();
	/* The primary message is the released scripts' own, word for word */
	ereport(ERROR,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 errmsg("could not lock table %s to %s flashcard_schema to %s", get_rel_name(relid), verb, target),
			 holders.len > 0 ?
			 errdetail("%s. Its lock was held for longer than lock_timeout (%s). Nothing was changed.",
					   holders.data, timeout) :
			 errdetail("Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.",
					   timeout),
			 first_pid != 0 ?
			 errhint("Retry the %s when that transaction has finished (SELECT pg_terminate_backend(%d) ends its session), "
					 "or raise lock_timeout for this session.", verb, first_pid) :
			 errhint("Retry the %s when the long-running transaction has finished, or raise lock_timeout for this session.",
					 verb)));
}

/*
 * Refuse the route (target: its version) or the drop of the extension
 * (target NULL, verb the statement, e.g. "DROP EXTENSION"), naming its
 * first blocker and listing the others
 */
static void
ReportBlockers(RouteCheck *rc, const char *verb, const char *target)
{
	Blocker    *first = (Blocker *) linitial(rc->blockers);
	const char *subject = target != NULL ? psprintf("the %s", verb) : verb;
	StringInfoData detail;
	Oid			owner;
	Oid			nsp;
	int			pid;
	int			n = 0;
	ListCell   *lc;

	initStringInfo(&detail);
	foreach(lc, rc->blockers)
	{
		Blocker    *b = (Blocker *) lfirst(lc);
		char	   *role;
		char	   *object;

		if (++n > MAX_LISTED)
		{
			appendStringInfo(&detail, "\nAnd %d more.", list_length(rc->blockers) - MAX_LISTED);
			break;
		}
		OwnerAndSchema(&b->object, &owner, &nsp);
		role = OidIsValid(owner) ? GetUserNameFromId(owner, true) : NULL;
		pid = TempSchemaPid(nsp);
		object = Describe(&b->object);
		object[0] = pg_toupper((unsigned char) object[0]);
		appendStringInfo(&detail, "%s%s, owned by role \"%s\"%s, depends on %s, which %s %s.",
						 n > 1 ? "\n" : "", object, role ? role : "?",
						 pid == 0 ? "" : psprintf(" and temporary to the session of process %d", pid),
						 Describe(&b->stake), subject, b->change);
	}
	appendStringInfoString(&detail, " Nothing was changed.");

	OwnerAndSchema(&first->object, &owner, &nsp);
	pid = TempSchemaPid(nsp);
	if (target != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot %s flashcard_schema to %s while %s depends on %s",
						verb, target, Describe(&first->object), Describe(&first->stake)),
				 errdetail_internal("%s", detail.data),
				 pid != 0 ?
				 errhint("A temporary object goes when its session ends: have that session drop it or end it "
						 "(SELECT pg_terminate_backend(%d)), then run %s again.", pid, subject) :
				 errhint("Drop %s (and each object listed), run %s, then create it again.",
						 Describe(&first->object), subject)));
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 errmsg("%s cannot drop flashcard_schema while %s depends on %s",
					verb, Describe(&first->object), Describe(&first->stake)),
			 errdetail_internal("%s", detail.data),
			 pid != 0 && pid != MyProcPid ?
			 errhint("The drop does not reach into another session's temporary objects: have that session drop it "
					 "or end it (SELECT pg_terminate_backend(%d)), then run %s again.", pid, verb) :
			 errhint("Drop %s (and each object listed) first, or add CASCADE to drop them with the extension.",
					 Describe(&first->object))));
}

/*
 * Refuse a route while a routine of the extension's schema, not its own, is
 * named like one of its functions and has defaults for all its arguments:
 * a call without arguments (the downgrade scripts call revision() so) then
 * matches both, and the script stops with "is not unique".  Anyone may
 * create one where the schema grants CREATE (public, in every database
 * upgraded from PostgreSQL 14 or earlier).
 */
static void
RefuseAmbiguousOverloads(const InstalledExtension *ext, const char *verb, const char *target)
{
	for (int i = 0; i < contract_nfunctions; i++)
	{
		const char *name = contract_functions[i].name;
		bool		again = false;
		CatCList   *list;

		for (int k = 0; k < i; k++)
			again |= strcmp(contract_functions[k].name, name) == 0;
		if (again)
			continue;
		list = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(name));
		for (int j = 0; j < list->n_members; j++)
		{
			Form_pg_proc p = (Form_pg_proc) GETSTRUCT(&list->members[j]->tuple);
			ObjectAddress addr;
			char	   *role;

			if (p->pronamespace != ext->namespace || p->pronargs == 0 ||
				p->pronargdefaults < p->pronargs ||
				getExtensionOfObject(ProcedureRelationId, p->oid) == ext->oid)
				continue;
			ObjectAddressSet(addr, ProcedureRelationId, p->oid);
			role = GetUserNameFromId(p->proowner, true);
			ereport(ERROR,
					(errcode(ERRCODE_AMBIGUOUS_FUNCTION),
					 errmsg("cannot %s flashcard_schema to %s while %s makes calls of %s() ambiguous",
							verb, target, Describe(&addr), name),
					 errdetail("It is not the extension's, it is owned by role \"%s\", and all its arguments have defaults: "
							   "a call of %s() without arguments, as the extension's scripts and its documentation make, "
							   "matches it as well as the extension's own. Nothing was changed.",
							   role ? role : "?", name),
					 errhint("Drop or rename %s, run the %s again, and keep others from creating functions "
							 "in schema \"%s\" (REVOKE CREATE ON SCHEMA ... FROM PUBLIC).",
							 Describe(&addr), verb, get_namespace_name(ext->namespace))));
		}
		ReleaseSysCacheList(list);
	}
}

/* From the event trigger: the whole route of ALTER EXTENSION flashcard_schema UPDATE, before any script */
void
RefuseBlockedUpdate(AlterExtensionStmt *stmt)
{
	InstalledExtension ext;
	char	   *target;

	if (strcmp(stmt->extname, EXTENSION_NAME) != 0 ||
		!FindInstalledExtension(&ext) || ext.version == NULL)
		return;
	target = UpdateTarget(stmt);
	if (target != NULL)
		RefuseBlockedRoute(&ext, ext.version, target);
}

/*
 * Refuse a route (from one version to another, each step between adjacent
 * revisions) that another role's object would block, or a long transaction
 * holding a table it alters.  Versions this library does not know pass.
 */
void
RefuseBlockedRoute(const InstalledExtension *ext, const char *from, const char *target)
{
	int			a = ContractRevision(from);
	int			b = ContractRevision(target);
	RouteCheck	rc = {ext, NIL, NIL, NIL};
	const char *verb;
	ListCell   *lc;

	/*
	 * An adopted database (docs/adoption.md) first steps to its base, which
	 * alters no column another object could depend on: check from there.
	 */
	if (a < 0 && ContractAlembicRevision(from) >= 0)
		a = contract_adopted_heads[ContractAlembicRevision(from) - ALEMBIC_REVISIONS].base;
	if (a < 0 || b < 0 || a == b)
		return;
	verb = b > a ? "update" : "downgrade";
	RefuseAmbiguousOverloads(ext, verb, target);
	for (int r = a; r != b; r += (b > a ? 1 : -1))
		CheckStep(&rc, r, r + (b > a ? 1 : -1));
	if (rc.blockers != NIL)
		ReportBlockers(&rc, verb, target);
	foreach(lc, rc.tables)
		ProbeLock(lfirst_oid(lc), verb, target);
}

/*
 * Whether an object lies in the temporary schema of another session still
 * running (a column, a rule: its relation's); one a crashed session left
 * behind is no one's, and the cascade may drop it
 */
static bool
OtherSessionsTemporary(const ObjectAddress *addr)
{
	Oid			owner;
	Oid			nsp;
	int			pid;

	OwnerAndSchema(addr, &owner, &nsp);
	pid = TempSchemaPid(nsp);
	return pid != 0 && pid != MyProcPid;
}

/* The extension's members (their addresses), read from pg_depend */
static List *
ExtensionMembers(const InstalledExtension *ext)
{
	List	   *members = NIL;
	ListCell   *lc;

	foreach(lc, DependentsOf(ExtensionRelationId, ext->oid, 0, true))
	{
		ObjectAddress *addr = (ObjectAddress *) lfirst(lc);

		if (getExtensionOfObject(addr->classId, addr->objectId) == ext->oid)
			members = lappend(members, addr);
	}
	return members;
}

/*
 * Without CASCADE: the objects outside the extension that depend on one of
 * its members, on a table's row type or on a type's array type (what
 * PostgreSQL's own check refuses the drop for).
 */
static void
DirectDependents(RouteCheck *rc, List *members)
{
	ListCell   *lc;

	foreach(lc, members)
	{
		ObjectAddress *member = (ObjectAddress *) lfirst(lc);
		ObjectAddress stake = *member;	/* what the user sees at stake: the table, the type */
		Oid			array;

		/* An array type (a member of its own on PostgreSQL 17): its element type */
		if (member->classId == TypeRelationId && OidIsValid(get_element_type(member->objectId)))
			ObjectAddressSet(stake, TypeRelationId, get_element_type(member->objectId));

		for (int i = 0; i < 3; i++)
		{
			ObjectAddress checked;
			ListCell   *dc;

			if (i == 0)
				checked = *member;
			else if (i == 1 && member->classId == RelationRelationId &&
					 OidIsValid(get_rel_type_id(member->objectId)))
			{
				/* the table's row type: a column of another table typed with it */
				ObjectAddressSet(stake, TypeRelationId, get_rel_type_id(member->objectId));
				checked = stake;
			}
			else if (i == 2 && stake.classId == TypeRelationId &&
					 OidIsValid(array = get_array_type(stake.objectId)))
				ObjectAddressSet(checked, TypeRelationId, array);	/* reported as the element type */
			else
				continue;
			foreach(dc, Dependents(checked.classId, checked.objectId, 0))
			{
				ObjectAddress *dep = (ObjectAddress *) lfirst(dc);
				ObjectAddress user;

				if (ExtensionMember(rc, dep))
					continue;
				user = UserObject(dep->classId, dep->objectId, dep->objectSubId);
				AddBlocker(rc, &user, &stake, "drops");
			}
		}
	}
}

/*
 * With CASCADE: whatever the cascade reaches (every object depending in any
 * way on a member, and on those, ...) that lies in another session's
 * temporary schema, named with what it depends on (a column of an array
 * type: the element type).  At most MAX_REACHED objects are followed.
 */
#define MAX_REACHED 100000
static void
CascadeReaches(RouteCheck *rc, List *members)
{
	List	   *queue = list_copy(members);
	HTAB	   *seen;
	HASHCTL		ctl;
	int			reached = 0;
	ListCell   *lc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ObjectAddress);
	ctl.entrysize = sizeof(ObjectAddress);
	ctl.hcxt = CurrentMemoryContext;	/* RefuseBlockedDrop's own context */
	seen = hash_create("flashcard_schema cascade", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	foreach(lc, members)
		(void) hash_search(seen, lfirst(lc), HASH_ENTER, NULL);
	while (queue != NIL && reached++ < MAX_REACHED)
	{
		ObjectAddress *obj = (ObjectAddress *) linitial(queue);
		ObjectAddress stake;
		ListCell   *dc;

		queue = list_delete_first(queue);
		ObjectAddressSet(stake, obj->classId, obj->objectId);
		if (obj->classId == TypeRelationId && OidIsValid(get_element_type(obj->objectId)))
			ObjectAddressSet(stake, TypeRelationId, get_element_type(obj->objectId));
		CHECK_FOR_INTERRUPTS();
		foreach(dc, DependentsOf(obj->classId, obj->objectId, obj->objectSubId, true))
		{
			ObjectAddress *dep = (ObjectAddress *) lfirst(dc);
			bool		found;

			(void) hash_search(seen, dep, HASH_ENTER, &found);
			if (found)
				continue;
			if (OtherSessionsTemporary(dep) && !ExtensionMember(rc, dep))
			{
				ObjectAddress user = UserObject(dep->classId, dep->objectId, dep->objectSubId);

				AddBlocker(rc, &user, &stake, "drops");
			}
			queue = lappend(queue, dep);
		}
	}
	hash_destroy(seen);
}

/*
 * From the DROP guard, when a statement is about to drop the extension as a
 * whole (command: its tag; cascade: whether what depends on the extension
 * goes too): refuse, in the extension's words, if an object outside it
 * would block the drop (see the top of this file).
 */
void
RefuseBlockedDrop(const char *command, bool cascade, List *also_dropped)
{
	InstalledExtension ext;
	RouteCheck	rc;
	List	   *members;
	MemoryContext cxt;
	MemoryContext old;

	if (!FindInstalledExtension(&ext))
		return;
	/* The walk's lists and lookups, gone when it finds nothing (an error frees them with its parent) */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "flashcard_schema drop blockers", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	rc.ext = &ext;
	rc.blockers = NIL;
	rc.tables = NIL;
	rc.also_dropped = also_dropped;
	members = ExtensionMembers(&ext);
	if (cascade)
		CascadeReaches(&rc, members);
	else
		DirectDependents(&rc, members);
	if (rc.blockers != NIL)
		ReportBlockers(&rc, command, NULL);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}
