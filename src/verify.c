/*-------------------------------------------------------------------------
 *
 * verify.c
 *	  Compare the live catalog with a revision of the schema contract.
 *
 * Everything is read from the system catalogs through the syscache or an
 * index scan; the extension's tables themselves are neither opened nor
 * locked, so a verification never waits behind a long transaction.
 * Expected and actual values are spelled the way psql's \d prints them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
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
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "commands/extension.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodes.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "contract.h"
#include "verify.h"

#define EXTENSION_NAME "flashcard_schema"

/* A live column of a table, as the checks need it */
typedef struct LiveColumn
{
	const char *name;
	int			position;		/* among live columns, as psql lists them */
	char	   *type;
	char	   *collation;		/* if not the type's default, else NULL */
	bool		notnull;
	char	   *defval;
	char	   *comment;
	bool		matched;		/* named by the contract */
} LiveColumn;

/* A constraint of a table */
typedef struct LiveConstraint
{
	char	   *name;
	char		contype;
	Oid			oid;
	char	   *columns;
	char	   *references;
	char		on_delete;
	Oid			index;			/* backing index, if any */
	bool		matched;
} LiveConstraint;

/* An index of a table */
typedef struct LiveIndex
{
	Oid			oid;
	char	   *name;
	bool		unique;
	bool		valid;
	char	   *method;
	char	   *columns;
	char	   *definition;		/* pg_get_indexdef(), as psql \d shows it */
	bool		matched;
} LiveIndex;

/* What one verification run carries around */
typedef struct VerifyContext
{
	const InstalledExtension *ext;
	int			revision;
	CheckEmitter emit;
	void	   *arg;
} VerifyContext;

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

/*
 * A table of the extension's schema named as the server's deparsing names
 * it: qualified only when a temporary table of the same name hides it.
 */
static char *
TableRef(Oid relid, const char *name)
{
	if (OidIsValid(relid) && !RelationIsVisible(relid))
		return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), name);
	return pstrdup(quote_identifier(name));
}

/* TableRef() for a contract table, looked up by name */
static char *
ContractTableRef(VerifyContext *cxt, const char *name)
{
	return TableRef(get_relname_relid(name, cxt->ext->namespace), name);
}

/* Name of the extension an object belongs to, or NULL */
static const char *
MemberOf(VerifyContext *cxt, Oid classid, Oid objid)
{
	Oid			extoid = getExtensionOfObject(classid, objid);

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

/* The SQL words for a foreign key action */
static const char *
FkActionName(char action)
{
	switch (action)
	{
		case FKCONSTR_ACTION_CASCADE:
			return "CASCADE";
		case FKCONSTR_ACTION_RESTRICT:
			return "RESTRICT";
		case FKCONSTR_ACTION_SETNULL:
			return "SET NULL";
		case FKCONSTR_ACTION_SETDEFAULT:
			return "SET DEFAULT";
		default:
			return "NO ACTION";
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

/* "(a, b)" for the columns numbered in an int2 array of a relation */
static char *
ColumnList(Oid relid, Datum attnums)
{
	ArrayType  *arr = DatumGetArrayTypeP(attnums);
	int16	   *keys = (int16 *) ARR_DATA_PTR(arr);
	int			n = ARR_DIMS(arr)[0];
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (int i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
						 quote_identifier(get_attname(relid, keys[i], false)));
	appendStringInfoChar(&buf, ')');
	return buf.data;
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

		if (l->since <= cxt->revision && strcmp(l->type, typname) == 0)
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

/* Load the live columns of a table with their defaults and comments */
static LiveColumn *
LoadColumns(Oid relid, int natts, int *ncolumns)
{
	LiveColumn *cols = palloc0(sizeof(LiveColumn) * (natts + 1));
	LiveColumn **byattnum = palloc0(sizeof(LiveColumn *) * (natts + 1));
	List	   *dpcontext = NIL;
	int			n = 0;
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;

	for (int attnum = 1; attnum <= natts; attnum++)
	{
		Form_pg_attribute att;
		LiveColumn *col;

		tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
		if (!HeapTupleIsValid(tup))
			continue;
		att = (Form_pg_attribute) GETSTRUCT(tup);
		if (att->attisdropped)
		{
			ReleaseSysCache(tup);
			continue;
		}
		col = &cols[n++];
		col->name = pstrdup(NameStr(att->attname));
		col->position = n;
		col->type = format_type_with_typemod(att->atttypid, att->atttypmod);
		if (OidIsValid(att->attcollation) && att->attcollation != get_typcollation(att->atttypid))
			col->collation = get_collation_name(att->attcollation);
		col->notnull = att->attnotnull;
		if (att->attidentity == ATTRIBUTE_IDENTITY_ALWAYS)
			col->defval = "generated always as identity";
		else if (att->attidentity == ATTRIBUTE_IDENTITY_BY_DEFAULT)
			col->defval = "generated by default as identity";
		byattnum[attnum] = col;
		ReleaseSysCache(tup);
	}

	/* Defaults: one index scan of pg_attrdef for the whole table */
	ScanKeyInit(&key[0], Anum_pg_attrdef_adrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	catalog = table_open(AttrDefaultRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, AttrDefaultIndexId, true, NULL, 1, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_attrdef def = (Form_pg_attrdef) GETSTRUCT(tup);
		bool		isnull;
		Datum		adbin;
		LiveColumn *col;
		Node	   *node;
		char	   *expr;

		if (def->adnum < 1 || def->adnum > natts || byattnum[def->adnum] == NULL)
			continue;
		col = byattnum[def->adnum];
		adbin = heap_getattr(tup, Anum_pg_attrdef_adbin, RelationGetDescr(catalog), &isnull);
		if (isnull)
			continue;
		node = stringToNode(TextDatumGetCString(adbin));

		/*
		 * A default has no column references (only a generated column's
		 * expression has), and deparsing one needs no context.  Building a
		 * context opens the table, which would make verify() wait behind any
		 * lock on it.
		 */
		if (contain_var_clause(node))
		{
			if (dpcontext == NIL)
				dpcontext = deparse_context_for(get_rel_name(relid), relid);
			expr = deparse_expression(node, dpcontext, false, false);
		}
		else
			expr = deparse_expression(node, NIL, false, false);
		if (get_attgenerated(relid, def->adnum) == ATTRIBUTE_GENERATED_STORED)
			col->defval = psprintf("generated always as (%s) stored", expr);
		else
			col->defval = expr;
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);

	/* Column comments: one index scan of pg_description for the whole table */
	ScanKeyInit(&key[0], Anum_pg_description_objoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_description_classoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationRelationId));
	catalog = table_open(DescriptionRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, DescriptionObjIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_description desc = (Form_pg_description) GETSTRUCT(tup);
		bool		isnull;
		Datum		comment;

		if (desc->objsubid < 1 || desc->objsubid > natts || byattnum[desc->objsubid] == NULL)
			continue;
		comment = heap_getattr(tup, Anum_pg_description_description,
							   RelationGetDescr(catalog), &isnull);
		if (!isnull)
			byattnum[desc->objsubid]->comment = TextDatumGetCString(comment);
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);

	*ncolumns = n;
	return cols;
}

/* Check the columns of a table against the contract, then report extra ones */
static void
VerifyColumns(VerifyContext *cxt, const char *table, Oid relid, int natts)
{
	int			ncols;
	LiveColumn *cols = LoadColumns(relid, natts, &ncols);
	int			position = 0;

	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];
		char	   *name;
		LiveColumn *col = NULL;

		if (!CONTRACT_IN(c, cxt->revision) || strcmp(c->table, table) != 0)
			continue;
		position++;
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
			  col->notnull ? "not null" : "null");
		Check(cxt, "column", name, "default", c->defval, col->defval);
		Check(cxt, "column", name, "comment", c->comment, col->comment);
	}

	for (int j = 0; j < ncols; j++)
	{
		if (!cols[j].matched)
			Extra(cxt, "column", psprintf("%s.%s", table, cols[j].name),
				  psprintf("%s%s", cols[j].type, cols[j].notnull ? " not null" : ""));
	}
}

/* Load the constraints of a table from pg_constraint */
static LiveConstraint *
LoadConstraints(Oid relid, int *nconstraints)
{
	int			cap = 8;
	int			n = 0;
	LiveConstraint *cons = palloc0(sizeof(LiveConstraint) * cap);
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	catalog = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		LiveConstraint *lc;
		bool		isnull;
		Datum		keys;

		if (n == cap)
		{
			cap *= 2;
			cons = repalloc(cons, sizeof(LiveConstraint) * cap);
		}
		lc = &cons[n++];
		memset(lc, 0, sizeof(LiveConstraint));
		lc->oid = con->oid;
		lc->name = pstrdup(NameStr(con->conname));
		lc->contype = con->contype;
		lc->index = con->conindid;
		keys = heap_getattr(tup, Anum_pg_constraint_conkey, RelationGetDescr(catalog), &isnull);
		lc->columns = isnull ? pstrdup("()") : ColumnList(relid, keys);
		if (con->contype == CONSTRAINT_FOREIGN)
		{
			char	   *refname = get_rel_name(con->confrelid);
			char	   *refcols;

			keys = heap_getattr(tup, Anum_pg_constraint_confkey, RelationGetDescr(catalog), &isnull);
			refcols = isnull ? pstrdup("()") : ColumnList(con->confrelid, keys);
			lc->references = psprintf("%s%s", TableRef(con->confrelid, refname), refcols);
			lc->on_delete = con->confdeltype;
		}
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);

	*nconstraints = n;
	return cons;
}

/* A constraint's definition as psql \d shows it (pg_get_constraintdef) */
static char *
ConstraintDef(Oid conoid)
{
	return TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef,
												   ObjectIdGetDatum(conoid)));
}

/* The definition pg_get_constraintdef would give a contract constraint */
static char *
ContractConstraintDef(const ContractConstraint *c, const char *references)
{
	if (c->contype == CONSTRAINT_FOREIGN)
		return psprintf("FOREIGN KEY %s REFERENCES %s ON DELETE %s", c->columns,
						references, c->on_delete);
	return psprintf("%s %s", ContypeName(c->contype), c->columns);
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

		if (c->since > cxt->revision || strcmp(c->table, table) != 0)
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
		Check(cxt, "constraint", c->name, "columns", c->columns, lc->columns);
		if (c->contype == CONSTRAINT_FOREIGN)
		{
			references = psprintf("%s%s", ContractTableRef(cxt, c->reftable), c->refcolumns);
			Check(cxt, "constraint", c->name, "references", references, lc->references);
			Check(cxt, "constraint", c->name, "on delete", c->on_delete,
				  lc->contype == CONSTRAINT_FOREIGN ? FkActionName(lc->on_delete) : NULL);
		}
		/* The whole definition: catches DEFERRABLE, NOT VALID, ON UPDATE, ... */
		Check(cxt, "constraint", c->name, "definition", ContractConstraintDef(c, references),
			  ConstraintDef(lc->oid));
	}

	for (int j = 0; j < ncons; j++)
	{
		if (!cons[j].matched)
			Extra(cxt, "constraint", cons[j].name, ConstraintDef(cons[j].oid));
	}
}

/*
 * The key columns of an index definition, "(a, b DESC)", as they follow
 * "USING method" in pg_get_indexdef(): the parenthesized list that starts
 * there, with parentheses inside quoted names, literals or expressions
 * skipped over.
 */
static char *
IndexColumnsOf(const char *def, const char *method)
{
	const char *using = strstr(def, psprintf(" USING %s (", method));
	const char *start;
	const char *p;
	int			depth = 0;
	char		quote = 0;

	if (using == NULL)
		return pstrdup(def);
	start = using + strlen(method) + 8;
	for (p = start; *p; p++)
	{
		if (quote)
		{
			if (*p == quote)
				quote = 0;
		}
		else if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return pnstrdup(start, p - start + 1);
	}
	return pstrdup(start);
}

/* Load the indexes of a table from pg_index */
static LiveIndex *
LoadIndexes(Oid relid, int *nindexes)
{
	int			cap = 8;
	int			n = 0;
	LiveIndex  *idx = palloc0(sizeof(LiveIndex) * cap);
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	catalog = table_open(IndexRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, IndexIndrelidIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index ind = (Form_pg_index) GETSTRUCT(tup);
		LiveIndex  *li;
		HeapTuple	reltup;

		if (n == cap)
		{
			cap *= 2;
			idx = repalloc(idx, sizeof(LiveIndex) * cap);
		}
		li = &idx[n++];
		memset(li, 0, sizeof(LiveIndex));
		li->oid = ind->indexrelid;
		li->unique = ind->indisunique;
		li->valid = ind->indisvalid;
		reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(ind->indexrelid));
		if (!HeapTupleIsValid(reltup))
			elog(ERROR, "cache lookup failed for relation %u", ind->indexrelid);
		li->name = pstrdup(NameStr(((Form_pg_class) GETSTRUCT(reltup))->relname));
		li->method = get_am_name(((Form_pg_class) GETSTRUCT(reltup))->relam);
		ReleaseSysCache(reltup);
		li->definition = TextDatumGetCString(DirectFunctionCall3(pg_get_indexdef_ext,
																 ObjectIdGetDatum(ind->indexrelid),
																 Int32GetDatum(0),
																 BoolGetDatum(true)));
		li->columns = IndexColumnsOf(li->definition, li->method);
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);

	*nindexes = n;
	return idx;
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

		if (c->since > cxt->revision || strcmp(c->table, table) != 0)
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

/* Check one table and everything on it */
static void
VerifyTable(VerifyContext *cxt, const char *table)
{
	HeapTuple	tup;
	Form_pg_class rel;
	Oid			relid;
	int			natts;
	const char *dumped = "not registered";
	LiveConstraint *cons;
	int			ncons;

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

	VerifyColumns(cxt, table, relid, natts);
	cons = LoadConstraints(relid, &ncons);
	VerifyConstraints(cxt, table, relid, cons, ncons);
	VerifyIndexes(cxt, table, relid, cons, ncons);
}

/* Whether a contract revision has a table, enum type or function of this name */
static bool
ContractHas(int revision, Oid classid, const char *name)
{
	if (classid == RelationRelationId)
	{
		for (int i = 0; i < contract_ntables; i++)
			if (contract_tables[i].since <= revision && strcmp(contract_tables[i].name, name) == 0)
				return true;
	}
	else if (classid == ProcedureRelationId)
	{
		for (int i = 0; i < contract_nfunctions; i++)
			if (contract_functions[i].since <= revision && strcmp(contract_functions[i].name, name) == 0)
				return true;
	}
	else if (classid == EventTriggerRelationId)
	{
		for (int i = 0; i < contract_nevent_triggers; i++)
			if (contract_event_triggers[i].since <= revision &&
				strcmp(contract_event_triggers[i].name, name) == 0)
				return true;
	}
	else if (classid == TypeRelationId)
	{
		for (int i = 0; i < contract_nlabels; i++)
			if (contract_labels[i].since <= revision && strcmp(contract_labels[i].type, name) == 0)
				return true;
	}
	return false;
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

/* Report the extension's members that the contract does not have */
static void
VerifyMembers(VerifyContext *cxt)
{
	Relation	depend;
	SysScanDesc scan;
	ScanKeyData key[2];
	HeapTuple	tup;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(cxt->ext->oid));
	depend = table_open(DependRelationId, AccessShareLock);
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		ObjectAddress member = {dep->classid, dep->objid, dep->objsubid};
		const char *name = NULL;

		if (dep->deptype != DEPENDENCY_EXTENSION)
			continue;
		if (dep->classid == RelationRelationId &&
			get_rel_namespace(dep->objid) == cxt->ext->namespace)
			name = get_rel_name(dep->objid);
		else if (dep->classid == ProcedureRelationId &&
				 get_func_namespace(dep->objid) == cxt->ext->namespace)
			name = get_func_name(dep->objid);
		else if (dep->classid == TypeRelationId &&
				 get_typ_typrelid(dep->objid) == InvalidOid)
			name = format_type_be(dep->objid);
		else if (dep->classid == EventTriggerRelationId)
			name = EventTriggerName(dep->objid);
		if (name != NULL && ContractHas(cxt->revision, dep->classid, name))
			continue;
		Extra(cxt, "extension", EXTENSION_NAME, getObjectDescription(&member, false));
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
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
	VerifyContext cxt = {ext, revision, emit, arg};
	const char *previous = NULL;

	VerifyEncoding(&cxt);

	/* Enum types, in the order the contract first names them */
	for (int i = 0; i < contract_nlabels; i++)
	{
		const char *type = contract_labels[i].type;

		if (previous == NULL || strcmp(previous, type) != 0)
			VerifyEnum(&cxt, type);
		previous = type;
	}

	for (int i = 0; i < contract_ntables; i++)
	{
		if (contract_tables[i].since <= revision)
			VerifyTable(&cxt, contract_tables[i].name);
	}

	VerifyMembers(&cxt);
}

/* Look up the installed extension in pg_extension; false if it is not installed */
bool
FindInstalledExtension(InstalledExtension *ext)
{
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(EXTENSION_NAME));
	catalog = table_open(ExtensionRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		Form_pg_extension extform = (Form_pg_extension) GETSTRUCT(tup);
		TupleDesc	desc = RelationGetDescr(catalog);
		bool		isnull;
		Datum		datum;

		found = true;
		ext->oid = extform->oid;
		ext->namespace = extform->extnamespace;
		datum = heap_getattr(tup, Anum_pg_extension_extversion, desc, &isnull);
		ext->version = isnull ? NULL : TextDatumGetCString(datum);
		ext->config = NULL;
		ext->nconfig = 0;
		ext->condition = NULL;
		datum = heap_getattr(tup, Anum_pg_extension_extconfig, desc, &isnull);
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypePCopy(datum);

			ext->nconfig = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
			ext->config = (Oid *) ARR_DATA_PTR(arr);
		}
		datum = heap_getattr(tup, Anum_pg_extension_extcondition, desc, &isnull);
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *elemnulls;
			int			n;

			deconstruct_array(DatumGetArrayTypePCopy(datum), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &elemnulls, &n);
			ext->condition = palloc0(sizeof(char *) * (ext->nconfig + 1));
			for (int i = 0; i < n && i < ext->nconfig; i++)
				ext->condition[i] = elemnulls[i] ? NULL : TextDatumGetCString(elems[i]);
		}
	}
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return found;
}
