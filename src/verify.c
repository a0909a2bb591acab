/*-------------------------------------------------------------------------
 *
 * verify.c
 *	  Compare the live catalog with a revision of the schema contract.
 *
 * Walks the contract (contract.h) kind by kind and emits one check per fact,
 * then the extras the contract does not have.  What a table's columns,
 * constraints, indexes and grants look like live is read by catalog.c and
 * spelled by deparse.c; the extension's row by extension.c.  Nothing here
 * opens or locks the extension's tables, so a verification never waits
 * behind a long transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/amapi.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_description.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_event_trigger.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_language.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "commands/extension.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/nodes.h"
#include "nodes/parsenodes.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteDefine.h"
#include "rewrite/rewriteManip.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "citus.h"
#include "contract.h"
#include "deparse.h"
#include "catalog.h"
#include "extension.h"
#include "verify.h"


/* What one verification run carries around */
typedef struct VerifyContext
{
	const InstalledExtension *ext;
	int			revision;
	CheckEmitter emit;
	void	   *arg;
	ObjectAddress *members;		/* the extension's members, read once */
	int			nmembers;
	Oid		   *functions;		/* the routines of the extension's schema, read once */
	int			nfunctions;
	bool		citus;			/* Citus is installed: check each table's layout */
	bool		distributed;	/* and lays out one of the tables at least */
	CitusLayout *layouts;		/* per contract_tables[] entry */
	const ContractAlembic *alembic; /* a pseudo-revision checked as its base, or NULL */
} VerifyContext;

/*
 * Whether the pseudo-revision being checked (if any) has a difference of this
 * kind for this object; its details in *difference.
 */
static bool
AlembicDiffers(VerifyContext *cxt, ContractAlembicKind kind, const char *table,
			   const char *name, const ContractAlembicDifference **difference)
{
	const ContractAlembicDifference *d;

	if (cxt->alembic == NULL)
		return false;
	d = ContractAlembicDifferenceOf(cxt->revision, kind, table, name);
	if (difference)
		*difference = d;
	return d != NULL;
}

/* Emit one check whose outcome is whether expected equals actual */
static void
Check(VerifyContext *cxt, const char *object_type, const char *object_name,
	  const char *check_name, const char *expected, const char *actual)
{
	bool		ok;

	if (expected == NULL || actual == NULL)
		ok = (expected == NULL && actual == NULL);
	else
		ok = (strcmp(expected, actual) == 0);
	cxt->emit(cxt->arg, object_type, object_name, check_name, ok, expected, actual);
}

/* Emit a failing row for an object the contract does not have */
static void
Extra(VerifyContext *cxt, const char *object_type, const char *object_name,
	  const char *actual)
{
	cxt->emit(cxt->arg, object_type, object_name, "extra", false, NULL, actual);
}

/* TableRef() for a contract table, looked up by name */
static char *
ContractTableRef(VerifyContext *cxt, const char *name)
{
	return TableRef(get_relname_relid(name, cxt->ext->namespace), name);
}

/*
 * Read the extension's members with one scan of pg_depend, so that asking
 * whether an object is one costs no catalog scan of its own.
 */
static void
LoadMembers(VerifyContext *cxt)
{
	Relation	depend;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;
	int			cap = 64;

	cxt->members = palloc(sizeof(ObjectAddress) * cap);
	cxt->nmembers = 0;
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(cxt->ext->oid));
	depend = table_open(DependRelationId, AccessShareLock);
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->deptype != DEPENDENCY_EXTENSION)
			continue;
		if (cxt->nmembers == cap)
		{
			cap *= 2;
			cxt->members = repalloc(cxt->members, sizeof(ObjectAddress) * cap);
		}
		cxt->members[cxt->nmembers].classId = dep->classid;
		cxt->members[cxt->nmembers].objectId = dep->objid;
		cxt->members[cxt->nmembers].objectSubId = dep->objsubid;
		cxt->nmembers++;
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
}

/* Whether an object is a member of the extension (LoadMembers() read them) */
static bool
IsMember(VerifyContext *cxt, Oid classid, Oid objid)
{
	for (int i = 0; i < cxt->nmembers; i++)
	{
		if (cxt->members[i].objectId == objid && cxt->members[i].classId == classid)
			return true;
	}
	return false;
}

/* Name of the extension an object belongs to, or NULL */
static const char *
MemberOf(VerifyContext *cxt, Oid classid, Oid objid)
{
	Oid			extoid;

	if (IsMember(cxt, classid, objid))
		return EXTENSION_NAME;
	extoid = getExtensionOfObject(classid, objid);

	if (extoid == cxt->ext->oid)
		return EXTENSION_NAME;
	return OidIsValid(extoid) ? get_extension_name(extoid) : NULL;
}

/* The human name of a relkind, as psql's \d lists it */
static const char *
RelkindName(char relkind)
{
	switch (relkind)
	{
		case RELKIND_RELATION:
			return "table";
		case RELKIND_PARTITIONED_TABLE:
			return "partitioned table";
		case RELKIND_VIEW:
			return "view";
		case RELKIND_MATVIEW:
			return "materialized view";
		case RELKIND_FOREIGN_TABLE:
			return "foreign table";
		case RELKIND_SEQUENCE:
			return "sequence";
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			return "index";
		default:
			return "other relation";
	}
}

/* The human name of a typtype */
static const char *
TyptypeName(char typtype)
{
	switch (typtype)
	{
		case TYPTYPE_ENUM:
			return "enum";
		case TYPTYPE_BASE:
			return "base type";
		case TYPTYPE_COMPOSITE:
			return "composite type";
		case TYPTYPE_DOMAIN:
			return "domain";
		case TYPTYPE_RANGE:
			return "range type";
		case TYPTYPE_MULTIRANGE:
			return "multirange type";
		default:
			return "pseudo-type";
	}
}

/* The SQL words for a constraint kind */
static const char *
ContypeName(char contype)
{
	switch (contype)
	{
		case CONSTRAINT_PRIMARY:
			return "PRIMARY KEY";
		case CONSTRAINT_UNIQUE:
			return "UNIQUE";
		case CONSTRAINT_FOREIGN:
			return "FOREIGN KEY";
		case CONSTRAINT_CHECK:
			return "CHECK";
		case CONSTRAINT_EXCLUSION:
			return "EXCLUDE";
		default:
			return "CONSTRAINT";
	}
}

/* Check the database encoding: Greek text needs UTF8 */
static void
VerifyEncoding(VerifyContext *cxt)
{
	Check(cxt, "database", get_database_name(MyDatabaseId), "encoding",
		  "UTF8", GetDatabaseEncodingName());
}

/* Check one enum type: existence, labels in order, extension membership */
static void
VerifyEnum(VerifyContext *cxt, const char *typname)
{
	StringInfoData expected;
	StringInfoData actual;
	HeapTuple	tup;
	Form_pg_type typ;
	Oid			typoid;
	CatCList   *list;
	float4	   *orders;
	const char **labels;

	initStringInfo(&expected);
	for (int i = 0; i < contract_nlabels; i++)
	{
		const ContractLabel *l = &contract_labels[i];

		if (CONTRACT_IN(l, cxt->revision) && strcmp(l->type, typname) == 0 &&
			!AlembicDiffers(cxt, ALEMBIC_NO_LABEL, typname, l->label, NULL))
			appendStringInfo(&expected, "%s%s", expected.len > 0 ? ", " : "", l->label);
	}

	tup = SearchSysCache2(TYPENAMENSP, CStringGetDatum(typname),
						  ObjectIdGetDatum(cxt->ext->namespace));
	if (!HeapTupleIsValid(tup))
	{
		Check(cxt, "type", typname, "exists", "enum", NULL);
		return;
	}
	typ = (Form_pg_type) GETSTRUCT(tup);
	typoid = typ->oid;
	Check(cxt, "type", typname, "exists", "enum", TyptypeName(typ->typtype));
	ReleaseSysCache(tup);

	/* Labels, sorted by their sort order (insertion sort: a handful) */
	list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(typoid));
	orders = palloc(sizeof(float4) * (list->n_members + 1));
	labels = palloc(sizeof(char *) * (list->n_members + 1));
	for (int i = 0; i < list->n_members; i++)
	{
		Form_pg_enum en = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);
		int			j = i;

		while (j > 0 && orders[j - 1] > en->enumsortorder)
		{
			orders[j] = orders[j - 1];
			labels[j] = labels[j - 1];
			j--;
		}
		orders[j] = en->enumsortorder;
		labels[j] = pstrdup(NameStr(en->enumlabel));
	}
	initStringInfo(&actual);
	for (int i = 0; i < list->n_members; i++)
		appendStringInfo(&actual, "%s%s", i > 0 ? ", " : "", labels[i]);
	ReleaseSysCacheList(list);

	Check(cxt, "type", typname, "labels", expected.data, actual.data);
	Check(cxt, "type", typname, "extension member", EXTENSION_NAME,
		  MemberOf(cxt, TypeRelationId, typoid));
}

/* Check that a type the contract has is absent, as a pseudo-revision expects */
static void
VerifyAbsentType(VerifyContext *cxt, const char *typname)
{
	HeapTuple	tup = SearchSysCache2(TYPENAMENSP, CStringGetDatum(typname),
									  ObjectIdGetDatum(cxt->ext->namespace));

	if (!HeapTupleIsValid(tup))
	{
		Check(cxt, "type", typname, "exists", NULL, NULL);
		return;
	}
	Check(cxt, "type", typname, "exists", NULL,
		  TyptypeName(((Form_pg_type) GETSTRUCT(tup))->typtype));
	ReleaseSysCache(tup);
}

/*
 * A column's nullability as the "nullable" check sees it: "null" or "not
 * null", and on PostgreSQL 18 and later also what is wrong with the column's
 * NOT NULL constraint (not named <table>_<column>_not_null as the server
 * names it, NOT VALID, NO INHERIT).  Marks that constraint matched: it is
 * checked here, not reported as extra.
 */
static const char *
NullableActual(const char *table, const LiveColumn *col, LiveConstraint *cons, int ncons)
{
	const char *actual = col->notnull ? "not null" : "null";
	bool		found = false;
	char	   *key;

	if (!HAVE_NOTNULL_CONSTRAINTS)
		return actual;
	key = psprintf("(%s)", quote_identifier(col->name));
	for (int j = 0; j < ncons; j++)
	{
		LiveConstraint *lc = &cons[j];

		if (lc->contype != CONSTRAINT_NOTNULL || strcmp(lc->columns, key) != 0)
			continue;
		lc->matched = found = true;
		if (strcmp(lc->name, makeObjectName(table, col->name, "not_null")) != 0)
			actual = psprintf("%s, constraint %s", actual, quote_identifier(lc->name));
		if (!lc->validated)
			actual = psprintf("%s, NOT VALID", actual);
		if (lc->noinherit)
			actual = psprintf("%s, NO INHERIT", actual);
	}
	if (col->notnull && !found)
		actual = "not null, no constraint";
	return actual;
}

/* Check the columns of a table against the contract, then report extra ones */
static void
VerifyColumns(VerifyContext *cxt, const char *table, Oid relid, int natts,
			  LiveConstraint *cons, int ncons)
{
	int			ncols;
	LiveColumn *cols = LoadColumns(relid, natts, &ncols);
	int			position = 0;

	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];
		const ContractAlembicDifference *d;
		const char *defval = c->defval;
		char	   *name;
		LiveColumn *col = NULL;

		if (!CONTRACT_IN(c, cxt->revision) || strcmp(c->table, table) != 0)
			continue;
		position++;
		if (AlembicDiffers(cxt, ALEMBIC_DEFAULT, table, c->name, &d))
			defval = d->value;
		name = psprintf("%s.%s", table, c->name);
		for (int j = 0; j < ncols; j++)
		{
			if (strcmp(cols[j].name, c->name) == 0)
			{
				col = &cols[j];
				break;
			}
		}
		if (col == NULL)
		{
			Check(cxt, "column", name, "exists", "column", NULL);
			continue;
		}
		col->matched = true;
		Check(cxt, "column", name, "exists", "column", "column");
		Check(cxt, "column", name, "position", psprintf("%d", position),
			  psprintf("%d", col->position));
		Check(cxt, "column", name, "type", c->type, col->type);
		Check(cxt, "column", name, "collation", NULL, col->collation);
		Check(cxt, "column", name, "nullable", c->notnull ? "not null" : "null",
			  NullableActual(table, col, cons, ncons));
		Check(cxt, "column", name, "default", defval, col->defval);
		Check(cxt, "column", name, "comment", c->comment, col->comment);
	}

	for (int j = 0; j < ncols; j++)
	{
		if (cols[j].matched)
			continue;
		/* An extra column's NOT NULL constraint is part of its row */
		(void) NullableActual(table, &cols[j], cons, ncons);
		Extra(cxt, "column", psprintf("%s.%s", table, cols[j].name),
			  psprintf("%s%s", cols[j].type, cols[j].notnull ? " not null" : ""));
	}
}

/* The definition pg_get_constraintdef would give a contract constraint */
static char *
ContractConstraintDef(const ContractConstraint *c, const char *columns, const char *references)
{
	if (c->contype == CONSTRAINT_FOREIGN)
		return psprintf("FOREIGN KEY %s REFERENCES %s ON DELETE %s", columns,
						references, c->on_delete);
	return psprintf("%s %s", ContypeName(c->contype), columns);
}

/* The distributed layout of a table in the revision checked, or NULL */
static const ContractDistribution *
DistributionOf(VerifyContext *cxt, const char *table)
{
	for (int i = 0; i < contract_ndistribution; i++)
	{
		const ContractDistribution *d = &contract_distribution[i];

		if (CONTRACT_IN(d, cxt->revision) && strcmp(d->table, table) == 0)
			return d;
	}
	return NULL;
}

/*
 * The columns a contract constraint has: those of the contract, but for
 * the primary key of a table distributed by Citus, which includes the
 * distribution column.
 */
static const char *
ConstraintColumns(VerifyContext *cxt, const ContractConstraint *c)
{
	const ContractDistribution *d;

	if (cxt->distributed && c->contype == CONSTRAINT_PRIMARY &&
		(d = DistributionOf(cxt, c->table)) != NULL && d->key != NULL)
		return d->key;
	return c->columns;
}

/* Check the constraints of a table, then report extra ones */
static void
VerifyConstraints(VerifyContext *cxt, const char *table, Oid relid,
				  LiveConstraint *cons, int ncons)
{
	for (int i = 0; i < contract_nconstraints; i++)
	{
		const ContractConstraint *c = &contract_constraints[i];
		LiveConstraint *lc = NULL;
		char	   *references = NULL;

		if (!CONTRACT_IN(c, cxt->revision) || strcmp(c->table, table) != 0)
			continue;
		for (int j = 0; j < ncons; j++)
		{
			if (strcmp(cons[j].name, c->name) == 0)
			{
				lc = &cons[j];
				break;
			}
		}
		if (lc == NULL)
		{
			Check(cxt, "constraint", c->name, "exists", ContypeName(c->contype), NULL);
			continue;
		}
		lc->matched = true;
		Check(cxt, "constraint", c->name, "exists", ContypeName(c->contype),
			  ContypeName(lc->contype));
		Check(cxt, "constraint", c->name, "columns", ConstraintColumns(cxt, c), lc->columns);
		if (c->contype == CONSTRAINT_FOREIGN)
		{
			references = psprintf("%s%s", ContractTableRef(cxt, c->reftable), c->refcolumns);
			Check(cxt, "constraint", c->name, "references", references, lc->references);
			Check(cxt, "constraint", c->name, "on delete", c->on_delete,
				  lc->contype == CONSTRAINT_FOREIGN ? FkActionName(lc->on_delete) : NULL);
		}
		/* The whole definition: catches DEFERRABLE, NOT VALID, ON UPDATE, ... */
		Check(cxt, "constraint", c->name, "definition",
			  ContractConstraintDef(c, ConstraintColumns(cxt, c), references),
			  ConstraintDef(lc->oid));
		if (c->contype == CONSTRAINT_FOREIGN && lc->contype == CONSTRAINT_FOREIGN)
			Check(cxt, "constraint", c->name, "triggers", ExpectedFkTriggers(lc->oid),
				  FkTriggers(lc->oid));
	}

	for (int j = 0; j < ncons; j++)
	{
		if (!cons[j].matched)
			Extra(cxt, "constraint", cons[j].name, ConstraintDef(cons[j].oid));
	}
}

/* Check the indexes of a table, then report extra ones */
static void
VerifyIndexes(VerifyContext *cxt, const char *table, Oid relid,
			  const LiveConstraint *cons, int ncons)
{
	int			nidx;
	LiveIndex  *idx = LoadIndexes(relid, &nidx);

	for (int i = 0; i < contract_nindexes; i++)
	{
		const ContractIndex *c = &contract_indexes[i];
		LiveIndex  *li = NULL;

		if (!CONTRACT_IN(c, cxt->revision) || strcmp(c->table, table) != 0 ||
			AlembicDiffers(cxt, ALEMBIC_NO_INDEX, table, c->name, NULL))
			continue;
		for (int j = 0; j < nidx; j++)
		{
			if (strcmp(idx[j].name, c->name) == 0)
			{
				li = &idx[j];
				break;
			}
		}
		if (li == NULL)
		{
			Check(cxt, "index", c->name, "exists", "index", NULL);
			continue;
		}
		li->matched = true;
		Check(cxt, "index", c->name, "exists", "index",
			  li->valid ? "index" : "INVALID index");
		Check(cxt, "index", c->name, "unique", c->unique ? "UNIQUE" : "not unique",
			  li->unique ? "UNIQUE" : "not unique");
		Check(cxt, "index", c->name, "method", c->method, li->method);
		Check(cxt, "index", c->name, "columns", c->columns, li->columns);
		/* The whole definition: catches opclass, collation, predicate, ... */
		Check(cxt, "index", c->name, "definition",
			  psprintf("CREATE %sINDEX %s ON %s USING %s %s", c->unique ? "UNIQUE " : "",
					   quote_identifier(c->name), TableRef(relid, c->table),
					   c->method, c->columns),
			  li->definition);
	}

	/*
	 * An index behind a constraint of this table was checked with the
	 * constraint (or is reported with it, if the constraint is extra).  A
	 * foreign key's conindid is the referenced index, so it does not count.
	 */
	for (int j = 0; j < nidx; j++)
	{
		bool		behind_constraint = false;

		if (idx[j].matched)
			continue;
		for (int k = 0; k < ncons; k++)
		{
			if (cons[k].contype != CONSTRAINT_FOREIGN && cons[k].index == idx[j].oid)
				behind_constraint = true;
		}
		if (!behind_constraint)
			Extra(cxt, "index", idx[j].name, idx[j].definition);
	}
}

/* The persistence of a relation, in the words of CREATE [UNLOGGED|TEMPORARY] TABLE */
static const char *
PersistenceName(char relpersistence)
{
	switch (relpersistence)
	{
		case RELPERSISTENCE_PERMANENT:
			return "permanent";
		case RELPERSISTENCE_UNLOGGED:
			return "unlogged";
		case RELPERSISTENCE_TEMP:
			return "temporary";
		default:
			return "unknown";
	}
}

/* Row-level security of a table: "disabled", "enabled", and ", forced" (as for the owner too) */
static const char *
RowSecurityName(bool enabled, bool forced)
{
	if (forced)
		return enabled ? "enabled, forced" : "disabled, forced";
	return enabled ? "enabled" : "disabled";
}

/*
 * The privileges a revision grants on its tables: the owner's own (the
 * default) and those the scripts grant, granted by the table owner (a
 * grant to the owner itself only repeats its own).  Nothing to PUBLIC.
 */
static char *
ContractPrivileges(VerifyContext *cxt, Oid owner)
{
	char	   *text = AclText(acldefault(OBJECT_TABLE, owner), owner);

	for (int i = 0; i < contract_ntable_grants; i++)
	{
		const ContractTableGrant *g = &contract_table_grants[i];
		Oid			grantee;
		AclItem		item;

		if (!CONTRACT_IN(g, cxt->revision))
			continue;
		grantee = get_role_oid(g->grantee, false);
		if (grantee == owner)
			continue;
		item.ai_grantee = grantee;
		item.ai_grantor = owner;
		ACLITEM_SET_PRIVS_GOPTIONS(item, (AclMode) g->privileges, ACL_NO_RIGHTS);
		text = psprintf("%s, %s", text,
						DatumGetCString(DirectFunctionCall1(aclitemout, PointerGetDatum(&item))));
	}
	return text;
}

/*
 * Whether a trigger is one the server made to implement a constraint: a
 * foreign key's RI triggers, a deferrable unique or exclusion constraint's
 * recheck.  (A user's CREATE CONSTRAINT TRIGGER is not internal.)
 */
static bool
IsConstraintTrigger(Form_pg_trigger trig)
{
	HeapTuple	tup;
	bool		implements = false;

	if (!trig->tgisinternal || !OidIsValid(trig->tgconstraint))
		return false;
	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(trig->tgconstraint));
	if (HeapTupleIsValid(tup))
	{
		char		contype = ((Form_pg_constraint) GETSTRUCT(tup))->contype;

		implements = (contype == CONSTRAINT_FOREIGN || contype == CONSTRAINT_PRIMARY ||
					  contype == CONSTRAINT_UNIQUE || contype == CONSTRAINT_EXCLUSION);
		ReleaseSysCache(tup);
	}
	return implements;
}

/*
 * Whether a trigger is the one Citus puts on each of its tables on the
 * coordinator, to send a TRUNCATE on to the shards.
 */
static bool
IsCitusTruncateTrigger(Form_pg_trigger trig)
{
	char	   *name = get_func_name(trig->tgfoid);

	return TRIGGER_FOR_TRUNCATE(trig->tgtype) && !TRIGGER_FOR_ROW(trig->tgtype) &&
		TRIGGER_FOR_AFTER(trig->tgtype) &&
		get_func_namespace(trig->tgfoid) == PG_CATALOG_NAMESPACE &&
		name != NULL && strcmp(name, "citus_truncate_trigger") == 0;
}

/*
 * Report a table's triggers, enabled or not, but those that implement a
 * constraint: a contract foreign key's are checked with it, the others
 * belong to a constraint reported on its own (or to another table's
 * foreign key that references this one, which is that table's business).
 */
static void
VerifyTriggers(VerifyContext *cxt, Oid relid, bool citus_table)
{
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	catalog = table_open(TriggerRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, TriggerRelidNameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);

		if (IsConstraintTrigger(trig) || (citus_table && IsCitusTruncateTrigger(trig)))
			continue;
		Extra(cxt, "trigger", NameStr(trig->tgname), TriggerDef(tup, RelationGetDescr(catalog)));
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
}

/*
 * Report a table's rules, as "ON DELETE TO cards DO INSTEAD NOTHING": the
 * actions are named by their command only, since deparsing them would lock
 * the tables they name.
 */
static void
VerifyRules(VerifyContext *cxt, Oid relid)
{
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_pg_rewrite_ev_class, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	catalog = table_open(RewriteRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, RewriteRelRulenameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_rewrite rule = (Form_pg_rewrite) GETSTRUCT(tup);
		static const char *const oldnew[] = {"old", "new"};
		StringInfoData buf;
		bool		isnull;
		Datum		value;
		List	   *actions = NIL;
		const char *event;

		switch (rule->ev_type)
		{
			case '1':
				event = "SELECT";
				break;
			case '2':
				event = "UPDATE";
				break;
			case '3':
				event = "INSERT";
				break;
			case '4':
				event = "DELETE";
				break;
			default:
				event = "?";
		}
		initStringInfo(&buf);
		appendStringInfo(&buf, "ON %s TO %s", event, TableRef(relid, get_rel_name(relid)));
		value = heap_getattr(tup, Anum_pg_rewrite_ev_qual, RelationGetDescr(catalog), &isnull);
		if (!isnull)
		{
			char	   *qual = TextDatumGetCString(value);

			if (strcmp(qual, "<>") != 0)
				appendStringInfo(&buf, " WHERE %s",
								 DeparseExpr((Node *) stringToNode(qual), relid, oldnew, 2, true));
		}
		appendStringInfo(&buf, " DO%s", rule->is_instead ? " INSTEAD" : "");
		value = heap_getattr(tup, Anum_pg_rewrite_ev_action, RelationGetDescr(catalog), &isnull);
		if (!isnull)
			actions = (List *) stringToNode(TextDatumGetCString(value));
		if (actions == NIL ||
			(list_length(actions) == 1 && linitial_node(Query, actions)->commandType == CMD_NOTHING))
			appendStringInfoString(&buf, " NOTHING");
		else
		{
			ListCell   *lc;

			appendStringInfoString(&buf, list_length(actions) > 1 ? " (" : " ");
			foreach(lc, actions)
			{
				Query	   *q = lfirst_node(Query, lc);
				const char *cmd = q->commandType == CMD_SELECT ? "SELECT" :
				q->commandType == CMD_INSERT ? "INSERT" :
				q->commandType == CMD_UPDATE ? "UPDATE" :
				q->commandType == CMD_DELETE ? "DELETE" : "NOTIFY";

				appendStringInfo(&buf, "%s%s ...", foreach_current_index(lc) > 0 ? "; " : "", cmd);
			}
			if (list_length(actions) > 1)
				appendStringInfoChar(&buf, ')');
		}
		if (rule->ev_enabled == RULE_DISABLED)
			appendStringInfoString(&buf, " (disabled)");
		Extra(cxt, "rule", NameStr(rule->rulename), buf.data);
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
}

/* The row-level security the contract gives a table in the revision checked */
static const char *
ExpectedRowSecurity(VerifyContext *cxt, const char *table)
{
	for (int i = 0; i < contract_nrow_security; i++)
	{
		const ContractRowSecurity *r = &contract_row_security[i];

		if (CONTRACT_IN(r, cxt->revision) && strcmp(r->table, table) == 0)
			return RowSecurityName(true, r->forced);
	}
	return RowSecurityName(false, false);
}

/* The contract's policy of this name on a table in the revision checked, or NULL */
static const ContractPolicy *
ContractPolicyOf(VerifyContext *cxt, const char *table, const char *name)
{
	for (int i = 0; i < contract_npolicies; i++)
	{
		const ContractPolicy *p = &contract_policies[i];

		if (CONTRACT_IN(p, cxt->revision) && strcmp(p->table, table) == 0 &&
			strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

/*
 * Check a table's row-level security policies (spelled as psql \d lists
 * them) against the contract's, then report extra ones
 */
static void
VerifyPolicies(VerifyContext *cxt, const char *table, Oid relid)
{
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	List	   *names = NIL;	/* every policy's name */
	List	   *defs = NIL;		/* and its definition */

	ScanKeyInit(&key, Anum_pg_policy_polrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	catalog = table_open(PolicyRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, PolicyPolrelidPolnameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_policy pol = (Form_pg_policy) GETSTRUCT(tup);
		TupleDesc	desc = RelationGetDescr(catalog);
		StringInfoData buf;
		bool		isnull;
		Datum		value;

		initStringInfo(&buf);
		appendStringInfo(&buf, "POLICY \"%s\"", NameStr(pol->polname));
		if (!pol->polpermissive)
			appendStringInfoString(&buf, " AS RESTRICTIVE");
		switch (pol->polcmd)
		{
			case 'r':
				appendStringInfoString(&buf, " FOR SELECT");
				break;
			case 'a':
				appendStringInfoString(&buf, " FOR INSERT");
				break;
			case 'w':
				appendStringInfoString(&buf, " FOR UPDATE");
				break;
			case 'd':
				appendStringInfoString(&buf, " FOR DELETE");
				break;
		}
		value = heap_getattr(tup, Anum_pg_policy_polroles, desc, &isnull);
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(value);
			Oid		   *roles = (Oid *) ARR_DATA_PTR(arr);
			int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));

			if (!(n == 1 && roles[0] == ACL_ID_PUBLIC))
			{
				char	  **names = palloc(sizeof(char *) * (n + 1));

				for (int i = 0; i < n; i++)
					names[i] = roles[i] == ACL_ID_PUBLIC ? "public" : GetUserNameFromId(roles[i], true);
				for (int i = 0; i < n; i++)
					if (names[i] == NULL)
						names[i] = psprintf("%u", roles[i]);
				qsort(names, n, sizeof(char *), StringCompare);
				appendStringInfoString(&buf, " TO ");
				for (int i = 0; i < n; i++)
					appendStringInfo(&buf, "%s%s", i > 0 ? "," : "", names[i]);
			}
		}
		value = heap_getattr(tup, Anum_pg_policy_polqual, desc, &isnull);
		if (!isnull)
			appendStringInfo(&buf, " USING (%s)",
							 DeparseTableExpr((Node *) stringToNode(TextDatumGetCString(value)), relid, false));
		value = heap_getattr(tup, Anum_pg_policy_polwithcheck, desc, &isnull);
		if (!isnull)
			appendStringInfo(&buf, " WITH CHECK (%s)",
							 DeparseTableExpr((Node *) stringToNode(TextDatumGetCString(value)), relid, false));
		names = lappend(names, pstrdup(NameStr(pol->polname)));
		defs = lappend(defs, buf.data);
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);

	/* The contract's policies, each with its live definition or none */
	for (int i = 0; i < contract_npolicies; i++)
	{
		const ContractPolicy *p = &contract_policies[i];
		const char *actual = NULL;
		ListCell   *ln;
		ListCell   *ld;

		if (!CONTRACT_IN(p, cxt->revision) || strcmp(p->table, table) != 0)
			continue;
		forboth(ln, names, ld, defs)
		{
			if (strcmp(lfirst(ln), p->name) == 0)
				actual = lfirst(ld);
		}
		Check(cxt, "policy", p->name, "definition",
			  p->definition, actual);
	}
	/* Then those the contract does not have */
	{
		ListCell   *ln;
		ListCell   *ld;

		forboth(ln, names, ld, defs)
		{
			if (ContractPolicyOf(cxt, table, lfirst(ln)) == NULL)
				Extra(cxt, "policy", lfirst(ln), lfirst(ld));
		}
	}
}

/*
 * Read Citus's record of the tables, where Citus is installed: the tables
 * are then expected in the distributed layout if Citus lays out any of
 * them (flashcard_schema_distribute() lays out all or none), else local.
 */
static void
LoadLayouts(VerifyContext *cxt)
{
	Oid			catalog = CitusMetadataCatalog();
	Oid		   *relids;

	if (!OidIsValid(catalog))
		return;
	cxt->citus = true;
	relids = palloc(sizeof(Oid) * contract_ntables);
	for (int i = 0; i < contract_ntables; i++)
		relids[i] = get_relname_relid(contract_tables[i].name, cxt->ext->namespace);
	cxt->layouts = palloc(sizeof(CitusLayout) * contract_ntables);
	CitusLayouts(catalog, relids, contract_ntables, cxt->layouts);
	for (int i = 0; i < contract_ntables; i++)
		cxt->distributed |= cxt->layouts[i].method != '\0';
}

/*
 * The table whose colocation group the contract's distributed tables share:
 * the first one it distributes up to a revision (STILL: in any revision).
 */
static const char *
ColocationAnchor(int revision)
{
	for (int i = 0; i < contract_ndistribution; i++)
	{
		const ContractDistribution *d = &contract_distribution[i];

		if (CONTRACT_IN(d, revision) && d->column != NULL)
			return d->table;
	}
	return NULL;
}

/*
 * A table's layout as the contract expects it: "local" on a single node or
 * before 1.3, else "reference" or "distributed by user_id" (colocated with
 * the first table so distributed).
 */
static const char *
ExpectedLayout(VerifyContext *cxt, const char *table)
{
	const ContractDistribution *d = cxt->distributed ? DistributionOf(cxt, table) : NULL;
	const char *anchor;

	if (d == NULL)
		return "local";
	if (d->column == NULL)
		return "reference";
	/* d itself is distributed in this revision: there is an anchor */
	anchor = ColocationAnchor(cxt->revision);
	if (strcmp(anchor, table) == 0)
		return psprintf("distributed by %s", d->column);
	return psprintf("distributed by %s, colocated with %s", d->column, anchor);
}

/* A table's layout as Citus records it, spelled as ExpectedLayout() spells it */
static const char *
LayoutName(VerifyContext *cxt, Oid relid, const CitusLayout *layout)
{
	const char *column;
	const char *anchor;
	int			colocation = 0;

	switch (layout->method)
	{
		case '\0':
			return "local";
		case 'n':
			return layout->model == 't' ? "reference" : "citus local";
		case 'h':
			break;
		case 'a':
			return "distributed by append";
		case 'r':
			return "distributed by range";
		default:
			return psprintf("distributed by method '%c'", layout->method);
	}
	column = AttributeNumberIsValid(layout->column) ? get_attname(relid, layout->column, true) : NULL;
	if (column == NULL)
		column = "an unknown column";
	/* Whatever the revision checked: this describes what is there */
	anchor = ColocationAnchor(STILL);
	for (int j = 0; anchor != NULL && j < contract_ntables; j++)
	{
		if (strcmp(contract_tables[j].name, anchor) == 0)
			colocation = cxt->layouts[j].method == 'h' ? cxt->layouts[j].colocation : -1;
	}
	if (anchor == NULL || strcmp(get_rel_name(relid), anchor) == 0)
		return psprintf("distributed by %s", column);
	return psprintf("distributed by %s, %scolocated with %s", column,
					layout->colocation == colocation ? "" : "not ", anchor);
}

/* Check one table and everything on it */
static void
VerifyTable(VerifyContext *cxt, int index)
{
	const char *table = contract_tables[index].name;
	HeapTuple	tup;
	Form_pg_class rel;
	Oid			relid;
	int			natts;
	const char *dumped = "not registered";
	LiveConstraint *cons;
	int			ncons;
	const char *persistence;
	const char *method;
	const char *inheritance;
	const char *rowsecurity;
	const char *privileges;
	Oid			owner;
	bool		hasrules;

	tup = SearchSysCache2(RELNAMENSP, CStringGetDatum(table),
						  ObjectIdGetDatum(cxt->ext->namespace));
	if (!HeapTupleIsValid(tup))
	{
		Check(cxt, "table", table, "exists", "table", NULL);
		return;
	}
	rel = (Form_pg_class) GETSTRUCT(tup);
	relid = rel->oid;
	natts = rel->relnatts;
	Check(cxt, "table", table, "exists", "table", RelkindName(rel->relkind));
	persistence = PersistenceName(rel->relpersistence);
	method = OidIsValid(rel->relam) ? get_am_name(rel->relam) : NULL;
	inheritance = InheritanceOf(relid, rel->relispartition,
								rel->relkind == RELKIND_PARTITIONED_TABLE, rel->relhassubclass);
	hasrules = rel->relhasrules;
	rowsecurity = RowSecurityName(rel->relrowsecurity, rel->relforcerowsecurity);
	owner = rel->relowner;
	privileges = TablePrivileges(tup, relid, owner, natts);
	ReleaseSysCache(tup);

	Check(cxt, "table", table, "extension member", EXTENSION_NAME,
		  MemberOf(cxt, RelationRelationId, relid));
	for (int i = 0; i < cxt->ext->nconfig; i++)
	{
		const char *condition = cxt->ext->condition ? cxt->ext->condition[i] : NULL;

		if (cxt->ext->config[i] != relid)
			continue;
		if (condition == NULL || condition[0] == '\0')
			dumped = "registered";
		else
			dumped = psprintf("registered, rows %s", condition);
	}
	Check(cxt, "table", table, "dumped by pg_dump", "registered", dumped);

	/* What the data does: survives a crash, reaches standbys, is what it seems */
	Check(cxt, "table", table, "persistence", "permanent", persistence);
	Check(cxt, "table", table, "access method", "heap", method);
	Check(cxt, "table", table, "inheritance", "none", inheritance);
	Check(cxt, "table", table, "row security", ExpectedRowSecurity(cxt, table), rowsecurity);
	Check(cxt, "table", table, "privileges", ContractPrivileges(cxt, owner), privileges);
	if (cxt->citus)
		Check(cxt, "table", table, "distribution", ExpectedLayout(cxt, table),
			  LayoutName(cxt, relid, &cxt->layouts[index]));

	cons = LoadConstraints(relid, &ncons);
	VerifyColumns(cxt, table, relid, natts, cons, ncons);
	VerifyConstraints(cxt, table, relid, cons, ncons);
	VerifyIndexes(cxt, table, relid, cons, ncons);
	VerifyTriggers(cxt, relid, cxt->layouts != NULL && cxt->layouts[index].method != '\0');
	/* relhasrules is set whenever a rule is added (and cleared when the last goes) */
	if (hasrules)
		VerifyRules(cxt, relid);
	VerifyPolicies(cxt, table, relid);
}

/* The kind of a routine, as psql's \df "Type" column names it */
static const char *
ProkindName(char prokind)
{
	switch (prokind)
	{
		case PROKIND_FUNCTION:
			return "function";
		case PROKIND_PROCEDURE:
			return "procedure";
		case PROKIND_AGGREGATE:
			return "aggregate";
		case PROKIND_WINDOW:
			return "window function";
		default:
			return "routine";
	}
}

/* The settings a revision gives each function, "; "-separated as FunctionSettings() lists them */
static char *
ContractFunctionSettings(VerifyContext *cxt)
{
	const char *schema = quote_identifier(get_namespace_name(cxt->ext->namespace));
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < contract_nfunction_settings; i++)
	{
		const ContractFunctionSetting *f = &contract_function_settings[i];
		const char *p = f->setting;
		const char *at;

		if (!CONTRACT_IN(f, cxt->revision))
			continue;
		if (buf.len > 0)
			appendStringInfoString(&buf, "; ");
		while ((at = strstr(p, "@extschema@")) != NULL)
		{
			appendBinaryStringInfo(&buf, p, at - p);
			appendStringInfoString(&buf, schema);
			p = at + strlen("@extschema@");
		}
		appendStringInfoString(&buf, p);
	}
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * Read the routines of the extension's schema with one scan of pg_depend
 * (each records its dependency on its schema), so that finding the
 * extension's functions costs nothing per routine of another schema: tens
 * of thousands of temporary functions named like the extension's, which any
 * role with TEMP can create, are never looked at.  (Only the pinned
 * schemas, pg_catalog and pg_toast, record no such dependencies, and the
 * extension's tables cannot be created in either.)
 */
static void
LoadSchemaFunctions(VerifyContext *cxt)
{
	Relation	depend;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;
	int			cap = 16;

	cxt->functions = palloc(sizeof(Oid) * cap);
	cxt->nfunctions = 0;
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(NamespaceRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(cxt->ext->namespace));
	depend = table_open(DependRelationId, AccessShareLock);
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->classid != ProcedureRelationId || dep->deptype != DEPENDENCY_NORMAL)
			continue;
		if (cxt->nfunctions == cap)
			cxt->functions = repalloc(cxt->functions, sizeof(Oid) * (cap *= 2));
		cxt->functions[cxt->nfunctions++] = dep->objid;
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
}

static bool ContractHas(int revision, Oid classid, const char *name);

/* Whether any revision of the contract has a function of this name */
static bool
ContractFunctionName(const char *name)
{
	for (int i = 0; i < contract_nfunctions; i++)
		if (strcmp(contract_functions[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Check one function of the extension: found among the routines of the
 * extension's schema (the member, if several overloads are), then what it
 * is and does.  Returns the routine checked, or InvalidOid.
 */
static Oid
VerifyFunction(VerifyContext *cxt, const ContractFunction *c)
{
	HeapTuple	found = NULL;
	const char *member = NULL;
	Form_pg_proc proc;
	Oid			funcoid;

	for (int i = 0; i < cxt->nfunctions; i++)
	{
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(cxt->functions[i]));
		Form_pg_proc p;

		/* Dropped since LoadSchemaFunctions() read it: not there */
		if (!HeapTupleIsValid(tup))
			continue;
		p = (Form_pg_proc) GETSTRUCT(tup);
		if (p->pronamespace == cxt->ext->namespace &&
			strcmp(NameStr(p->proname), c->name) == 0 &&
			(found == NULL || member == NULL))
		{
			if (found != NULL)
				ReleaseSysCache(found);
			found = tup;
			member = MemberOf(cxt, ProcedureRelationId, p->oid);
		}
		else
			ReleaseSysCache(tup);
	}
	if (found == NULL)
	{
		Check(cxt, "function", c->name, "exists", "function", NULL);
		return InvalidOid;
	}
	proc = (Form_pg_proc) GETSTRUCT(found);
	funcoid = proc->oid;
	Check(cxt, "function", c->name, "exists", "function", ProkindName(proc->prokind));
	Check(cxt, "function", c->name, "extension member", EXTENSION_NAME, member);
	Check(cxt, "function", c->name, "signature",
		  psprintf("(%s) RETURNS %s", c->arguments, c->result),
		  psprintf("(%s) RETURNS %s",
				   TextDatumGetCString(DirectFunctionCall1(pg_get_function_arguments,
														   ObjectIdGetDatum(funcoid))),
				   proc->prokind == PROKIND_PROCEDURE ? "(procedure)" :
				   TextDatumGetCString(DirectFunctionCall1(pg_get_function_result,
														   ObjectIdGetDatum(funcoid)))));
	Check(cxt, "function", c->name, "implementation", c->implementation,
		  FunctionImplementation(found));
	Check(cxt, "function", c->name, "security", "SECURITY INVOKER",
		  proc->prosecdef ? "SECURITY DEFINER" : "SECURITY INVOKER");
	Check(cxt, "function", c->name, "settings", ContractFunctionSettings(cxt),
		  FunctionSettings(found));
	ReleaseSysCache(found);
	return funcoid;
}

/*
 * Report the routines of the extension's schema named like one of its
 * functions that are not the one checked: an overload (with defaults, one
 * that makes the documented calls ambiguous) or a look-alike of a function
 * this revision does not have.
 */
static void
VerifyOverloads(VerifyContext *cxt, const Oid *checked, int nchecked)
{
	for (int i = 0; i < cxt->nfunctions; i++)
	{
		Oid			funcoid = cxt->functions[i];
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcoid));
		Form_pg_proc p;
		bool		seen = false;
		char	   *name;

		if (!HeapTupleIsValid(tup))
			continue;
		p = (Form_pg_proc) GETSTRUCT(tup);
		name = pstrdup(NameStr(p->proname));
		/* A member this revision does not have is VerifyMembers()' to report */
		seen = p->pronamespace != cxt->ext->namespace || !ContractFunctionName(name) ||
			(IsMember(cxt, ProcedureRelationId, funcoid) &&
			 !ContractHas(cxt->revision, ProcedureRelationId, name));
		ReleaseSysCache(tup);
		for (int j = 0; !seen && j < nchecked; j++)
			seen = (checked[j] == funcoid);
		if (!seen)
		{
			ObjectAddress addr;
			char	   *description;

			ObjectAddressSet(addr, ProcedureRelationId, funcoid);
			description = getObjectDescription(&addr, true);
			if (description != NULL)
				Extra(cxt, "function", name, description);
		}
	}
}

/* How pg_event_trigger.evtenabled reads in a check */
static const char *
EventTriggerEnabled(char evtenabled)
{
	return evtenabled == TRIGGER_FIRES_ON_ORIGIN ? "enabled" :
		evtenabled == TRIGGER_DISABLED ? "disabled" :
		evtenabled == TRIGGER_FIRES_ALWAYS ? "enabled always" : "enabled on replica only";
}

/*
 * Check one event trigger of the extension: it exists, belongs to the
 * extension, and fires as the revision says (a disabled DROP guard no longer
 * guards; from 1.4 it fires "always", so that session_replication_role =
 * replica does not switch it off).
 */
static void
VerifyEventTrigger(VerifyContext *cxt, const ContractEventTrigger *c)
{
	HeapTuple	tup = SearchSysCache1(EVENTTRIGGERNAME, CStringGetDatum(c->name));
	Form_pg_event_trigger evt;

	if (!HeapTupleIsValid(tup))
	{
		Check(cxt, "event trigger", c->name, "exists", "event trigger", NULL);
		return;
	}
	evt = (Form_pg_event_trigger) GETSTRUCT(tup);
	Check(cxt, "event trigger", c->name, "exists", "event trigger", "event trigger");
	Check(cxt, "event trigger", c->name, "extension member", EXTENSION_NAME,
		  MemberOf(cxt, EventTriggerRelationId, evt->oid));
	Check(cxt, "event trigger", c->name, "enabled", EventTriggerEnabled(c->enabled),
		  EventTriggerEnabled(evt->evtenabled));
	ReleaseSysCache(tup);
}

/* Whether a contract revision has a table, enum type or function of this name */
static bool
ContractHas(int revision, Oid classid, const char *name)
{
	if (classid == RelationRelationId)
	{
		for (int i = 0; i < contract_ntables; i++)
			if (CONTRACT_IN(&contract_tables[i], revision) && strcmp(contract_tables[i].name, name) == 0)
				return true;
	}
	else if (classid == ProcedureRelationId)
	{
		for (int i = 0; i < contract_nfunctions; i++)
			if (CONTRACT_IN(&contract_functions[i], revision) &&
				strcmp(contract_functions[i].name, name) == 0)
				return true;
	}
	else if (classid == EventTriggerRelationId)
	{
		for (int i = 0; i < contract_nevent_triggers; i++)
			if (CONTRACT_IN(&contract_event_triggers[i], revision) &&
				strcmp(contract_event_triggers[i].name, name) == 0)
				return true;
	}
	else if (classid == TypeRelationId)
	{
		for (int i = 0; i < contract_nlabels; i++)
			if (CONTRACT_IN(&contract_labels[i], revision) && strcmp(contract_labels[i].type, name) == 0)
				return true;
	}
	return false;
}

/*
 * Whether a type member of the extension is one the server made along with
 * another member: the array type of a member type, or the row type of a
 * member table (or its array).  PostgreSQL 17 and later record these as
 * members too.  They are not reported on their own: the other member is
 * checked (a contract enum or table) or reported as extra itself.
 */
static bool
ImplicitMemberType(VerifyContext *cxt, Oid typid)
{
	Oid			elem = get_element_type(typid);
	Oid			relid;

	if (OidIsValid(elem))
		return get_array_type(elem) == typid &&
			(IsMember(cxt, TypeRelationId, elem) ||
			 ImplicitMemberType(cxt, elem));
	relid = get_typ_typrelid(typid);
	return OidIsValid(relid) && get_rel_type_id(relid) == typid &&
		IsMember(cxt, RelationRelationId, relid);
}

/* An event trigger's name, or NULL */
static const char *
EventTriggerName(Oid oid)
{
	HeapTuple	tup = SearchSysCache1(EVENTTRIGGEROID, ObjectIdGetDatum(oid));
	char	   *name = NULL;

	if (HeapTupleIsValid(tup))
	{
		name = pstrdup(NameStr(((Form_pg_event_trigger) GETSTRUCT(tup))->evtname));
		ReleaseSysCache(tup);
	}
	return name;
}

/* Report the extension's members (read by LoadMembers()) that the contract does not have */
static void
VerifyMembers(VerifyContext *cxt)
{
	for (int i = 0; i < cxt->nmembers; i++)
	{
		ObjectAddress *member = &cxt->members[i];
		Oid			classid = member->classId;
		Oid			objid = member->objectId;
		const char *name = NULL;

		if (classid == TypeRelationId && ImplicitMemberType(cxt, objid))
			continue;
		if (classid == RelationRelationId &&
			get_rel_namespace(objid) == cxt->ext->namespace)
			name = get_rel_name(objid);
		else if (classid == ProcedureRelationId &&
				 get_func_namespace(objid) == cxt->ext->namespace)
			name = get_func_name(objid);
		else if (classid == TypeRelationId &&
				 get_typ_typrelid(objid) == InvalidOid)
			name = format_type_be(objid);
		else if (classid == EventTriggerRelationId)
			name = EventTriggerName(objid);
		if (name != NULL && ContractHas(cxt->revision, classid, name))
			continue;
		Extra(cxt, "extension", EXTENSION_NAME, getObjectDescription(member, false));
	}
}

/*
 * Run every check of a contract revision against the live catalog.
 *
 * Allocates freely in CurrentMemoryContext: callers run this in a context
 * of their own and reset it afterwards.
 */
void
VerifySchema(const InstalledExtension *ext, int revision, CheckEmitter emit, void *arg)
{
	VerifyContext cxt = {ext, revision, emit, arg, NULL, 0, NULL, 0, false, false, NULL, NULL};
	const char *previous = NULL;
	Oid		   *checked = palloc(sizeof(Oid) * contract_nfunctions);
	int			nchecked = 0;

	/* A pseudo-revision is checked as its base, with its differences */
	if (IS_ALEMBIC_REVISION(revision))
	{
		cxt.alembic = &contract_adopted_heads[revision - ALEMBIC_REVISIONS];
		cxt.revision = revision = cxt.alembic->base;
	}

	LoadMembers(&cxt);
	LoadSchemaFunctions(&cxt);
	LoadLayouts(&cxt);

	VerifyEncoding(&cxt);

	/*
	 * Enum types, in the order the contract first names them: those with a
	 * label in the revision checked
	 */
	for (int i = 0; i < contract_nlabels; i++)
	{
		const char *type = contract_labels[i].type;

		if (previous != NULL && strcmp(previous, type) == 0)
			continue;
		previous = type;
		if (!ContractHas(revision, TypeRelationId, type))
			continue;
		if (AlembicDiffers(&cxt, ALEMBIC_NO_TYPE, type, NULL, NULL))
			VerifyAbsentType(&cxt, type);
		else
			VerifyEnum(&cxt, type);
	}

	for (int i = 0; i < contract_ntables; i++)
	{
		if (CONTRACT_IN(&contract_tables[i], revision))
			VerifyTable(&cxt, i);
	}

	for (int i = 0; i < contract_nfunctions; i++)
	{
		if (CONTRACT_IN(&contract_functions[i], revision))
			checked[nchecked++] = VerifyFunction(&cxt, &contract_functions[i]);
	}
	VerifyOverloads(&cxt, checked, nchecked);
	for (int i = 0; i < contract_nevent_triggers; i++)
	{
		if (CONTRACT_IN(&contract_event_triggers[i], revision))
			VerifyEventTrigger(&cxt, &contract_event_triggers[i]);
	}

	VerifyMembers(&cxt);
}

/* How many times a verification starts again when the catalog changes under it */
#define VERIFY_ATTEMPTS 5

/*
 * One attempt of VerifySchemaRetrying(), in a subtransaction: NULL when it
 * went through, else the internal error it met (any other error is raised).
 */
static ErrorData *
VerifyAttempt(const InstalledExtension *ext, int revision, CheckEmitter emit, void *arg)
{
	MemoryContext work = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(work);
	PG_TRY();
	{
		VerifySchema(ext, revision, emit, arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(work);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(work);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(work);
		CurrentResourceOwner = owner;
		if (edata->sqlerrcode != ERRCODE_INTERNAL_ERROR)
			ReThrowError(edata);
	}
	PG_END_TRY();
	return edata;
}

/*
 * VerifySchema(), started again from scratch when a concurrent DROP or ALTER
 * removes an object between the scan that found it and the lookup that
 * describes it: the server's lookups then fail with an internal error
 * ("cache lookup failed for constraint ..."), which is no fault of the
 * schema.  Each attempt runs in a subtransaction, so that such an error
 * leaves nothing behind, and reset() discards what the attempt emitted.
 * Any other error is raised as it is; a verification that meets a change
 * in each of VERIFY_ATTEMPTS attempts fails with a serialization failure
 * (40001), which clients know to retry.
 */
void
VerifySchemaRetrying(const InstalledExtension *ext, int revision, CheckEmitter emit,
					 CheckReset reset, void *arg)
{
	ErrorData  *edata = NULL;

	/* No subtransaction in a parallel operation (PostgreSQL 15 and 16): one attempt */
	if (IsInParallelMode())
	{
		VerifySchema(ext, revision, emit, arg);
		return;
	}
	for (int attempt = 1; attempt <= VERIFY_ATTEMPTS; attempt++)
	{
		edata = VerifyAttempt(ext, revision, emit, arg);
		if (edata == NULL)
			return;
		ereport(DEBUG1,
				(errmsg_internal("flashcard_schema: verification attempt %d met a concurrent change: %s",
								 attempt, edata->message)));
		reset(arg);
	}
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("could not verify flashcard_schema: its catalog changed during each of %d attempts",
					VERIFY_ATTEMPTS),
			 errdetail("The last attempt failed with: %s.", edata->message),
			 errhint("Run it again once the concurrent schema changes are done.")));
}
