/*-------------------------------------------------------------------------
 *
 * deparse.c
 *	  Definitions of indexes, constraints, triggers and expressions, spelled
 *	  as the server's deparsers (pg_get_indexdef, pg_get_constraintdef,
 *	  pg_get_triggerdef) spell them.
 *
 * The server's own deparsers open the table for an expression (a CHECK or
 * EXCLUDE constraint, an index expression or predicate, a trigger's WHEN
 * clause), and so would wait behind a lock on it; verify() must not.  These
 * read only the system catalogs, through the syscache, and give the same
 * text.
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

#include "deparse.h"

/*
 * A table of the extension's schema named as the server's deparsing names
 * it: qualified only when a temporary table of the same name hides it.
 */
char *
TableRef(Oid relid, const char *name)
{
	if (OidIsValid(relid) && !RelationIsVisible(relid))
		return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), name);
	return pstrdup(quote_identifier(name));
}

/* How a trigger fires, as psql's \d groups them; "" when it fires normally */
const char *
TriggerStateName(char tgenabled)
{
	switch (tgenabled)
	{
		case TRIGGER_FIRES_ON_ORIGIN:
			return "";
		case TRIGGER_DISABLED:
			return " (disabled)";
		case TRIGGER_FIRES_ALWAYS:
			return " (firing always)";
		case TRIGGER_FIRES_ON_REPLICA:
			return " (firing on replica only)";
		default:
			return " (unknown state)";
	}
}

/* "(a, b)" for the columns numbered in an int2 array of a relation */
char *
ColumnList(Oid relid, Datum attnums)
{
	ArrayType  *arr = DatumGetArrayTypeP(attnums);
	int16	   *keys = (int16 *) ARR_DATA_PTR(arr);
	int			n = ARR_DIMS(arr)[0];
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (int i = 0; i < n; i++)
	{
		/* 0 stands for an expression (an EXCLUDE constraint's, say) */
		char	   *attname = keys[i] > 0 ? get_attname(relid, keys[i], true) : NULL;

		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
						 attname ? quote_identifier(attname) : "(expression)");
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/* The names of a table's columns by attnum, "" for a dropped one */
static List *
ColumnNames(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int			natts;
	List	   *names = NIL;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	natts = ((Form_pg_class) GETSTRUCT(tup))->relnatts;
	ReleaseSysCache(tup);
	for (int attnum = 1; attnum <= natts; attnum++)
	{
		const char *name = "";

		tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
		if (HeapTupleIsValid(tup))
		{
			Form_pg_attribute att = (Form_pg_attribute) GETSTRUCT(tup);

			if (!att->attisdropped)
				name = pstrdup(NameStr(att->attname));
			ReleaseSysCache(tup);
		}
		names = lappend(names, makeString((char *) name));
	}
	return names;
}

/*
 * Whether an expression refers to a whole row or a system column (ctid,
 * xmin, ...): those names come from the relation itself, which DeparseExpr
 * does not open, so such an expression is described rather than deparsed.
 */
static bool
HasWholeRowOrSystemVar(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varattno <= 0;
	return expression_tree_walker(node, HasWholeRowOrSystemVar, context);
}

/*
 * Deparse an expression stored over the columns of a table without opening
 * the table.
 *
 * The server's own deparsers (pg_get_indexdef, pg_get_expr, ...) build their
 * context with deparse_context_for(), which opens the table to read its
 * column names, and so wait behind any lock on it.  Here the expression
 * becomes the WHERE clause of a query over range table entries that are not
 * relations (a VALUES entry, never in FROM) carrying the column names read
 * from the syscache: Vars of varno 1 (and 2: a trigger's or rule's OLD and
 * NEW are entries 1 and 2, named by refnames) print as the column names,
 * prefixed with the entry's name only when there are two.  pg_get_querydef()
 * locks only the relations of a query's range table, and there are none;
 * an expression with a subquery (a policy's, a rule's) could name a table,
 * so it is not deparsed.  Pretty or not as the server function being
 * imitated is.
 */
char *
DeparseExpr(Node *expr, Oid relid, const char *const *refnames, int nrefs, bool pretty)
{
	Query	   *query;
	List	   *colnames;
	char	   *text;
	char	   *where;

	if (checkExprHasSubLink(expr))
		return pstrdup("<an expression with a subquery>");
	if (HasWholeRowOrSystemVar(expr, NULL))
		return pstrdup("<an expression over a whole row or a system column>");
	query = makeNode(Query);
	colnames = ColumnNames(relid);
	query->commandType = CMD_SELECT;
	query->canSetTag = true;
	for (int i = 0; i < nrefs; i++)
	{
		RangeTblEntry *rte = makeNode(RangeTblEntry);

		rte->rtekind = RTE_VALUES;
		rte->eref = makeAlias(refnames[i], colnames);
		rte->inFromCl = false;
		query->rtable = lappend(query->rtable, rte);
	}
	query->jointree = makeFromExpr(NIL, copyObject(expr));
	text = pg_get_querydef(query, pretty);
	where = strstr(text, "WHERE ");
	return where ? pstrdup(where + 6) : text;
}

/* DeparseExpr() for an expression over one table, named as itself */
char *
DeparseTableExpr(Node *expr, Oid relid, bool pretty)
{
	const char *name = get_rel_name(relid);

	return DeparseExpr(expr, relid, &name, 1, pretty);
}

/* Whether an index expression deparses as a bare function call (ruleutils.c's looks_like_function) */
static bool
LooksLikeFunction(Node *node)
{
	if (node == NULL)
		return false;
	switch (nodeTag(node))
	{
		case T_FuncExpr:
			return (((FuncExpr *) node)->funcformat == COERCE_EXPLICIT_CALL ||
					((FuncExpr *) node)->funcformat == COERCE_SQL_SYNTAX);
		case T_NullIfExpr:
		case T_CoalesceExpr:
		case T_MinMaxExpr:
		case T_SQLValueFunction:
		case T_XmlExpr:
			return true;
		default:
			return false;
	}
}

/* "a=1, b='x y'" for a text[] of options, quoted as pg_get_indexdef quotes them */
static char *
OptionsText(Datum options)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	StringInfoData buf;

	initStringInfo(&buf);
	deconstruct_array(DatumGetArrayTypeP(options), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *opt = nulls[i] ? pstrdup("") : TextDatumGetCString(elems[i]);
		char	   *value = strchr(opt, '=');

		if (value)
			*value++ = '\0';
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", quote_identifier(opt));
		if (value)
			appendStringInfo(&buf, "=%s", quote_identifier(value) == value ? value
							 : quote_literal_cstr(value));
	}
	return buf.data;
}

/* An operator's name as a definition shows it: qualified when not visible */
static char *
OperatorName(Oid opoid)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opoid));
	Form_pg_operator op;
	char	   *name;

	if (!HeapTupleIsValid(tup))
		return psprintf("OPERATOR(%u)", opoid);
	op = (Form_pg_operator) GETSTRUCT(tup);
	if (OperatorIsVisible(opoid))
		name = pstrdup(NameStr(op->oprname));
	else
		name = psprintf("OPERATOR(%s.%s)", quote_identifier(get_namespace_name(op->oprnamespace)),
						NameStr(op->oprname));
	ReleaseSysCache(tup);
	return name;
}

/*
 * GetDefaultOpClass() answers, remembered until pg_opclass, pg_type or
 * pg_cast change (it scans pg_opclass, and the answer for a type without
 * an opclass of its own depends on binary coercions): an index on a
 * varchar or enum column would otherwise cost a catalog scan per call.
 */
#define DEFAULT_OPCLASS_MEMO 16
static struct
{
	Oid			type;
	Oid			am;
	Oid			opclass;
}			default_opclass_memo[DEFAULT_OPCLASS_MEMO];
static int	default_opclass_memo_n = 0;
static bool default_opclass_memo_registered = false;

/* Forget the remembered default opclasses (a syscache invalidation callback) */
static void
ForgetDefaultOpClasses(Datum arg, int cacheid, uint32 hashvalue)
{
	default_opclass_memo_n = 0;
}

/* GetDefaultOpClass(), remembered */
static Oid
DefaultOpClass(Oid type, Oid am)
{
	Oid			opclass;

	if (!default_opclass_memo_registered)
	{
		CacheRegisterSyscacheCallback(CLAOID, ForgetDefaultOpClasses, (Datum) 0);
		CacheRegisterSyscacheCallback(TYPEOID, ForgetDefaultOpClasses, (Datum) 0);
		CacheRegisterSyscacheCallback(CASTSOURCETARGET, ForgetDefaultOpClasses, (Datum) 0);
		default_opclass_memo_registered = true;
	}
	for (int i = 0; i < default_opclass_memo_n; i++)
		if (default_opclass_memo[i].type == type && default_opclass_memo[i].am == am)
			return default_opclass_memo[i].opclass;
	opclass = GetDefaultOpClass(type, am);
	if (default_opclass_memo_n < DEFAULT_OPCLASS_MEMO)
	{
		default_opclass_memo[default_opclass_memo_n].type = type;
		default_opclass_memo[default_opclass_memo_n].am = am;
		default_opclass_memo[default_opclass_memo_n].opclass = opclass;
		default_opclass_memo_n++;
	}
	return opclass;
}

/*
 * An index's definition as pg_get_indexdef(oid, 0, true) spells it, or with
 * excludeOps the "EXCLUDE USING ..." clause pg_get_constraintdef() spells
 * for an exclusion constraint, built from the catalogs alone: the server's
 * functions open the table (see DeparseExpr).
 */
char *
IndexDef(Oid indexrelid, const Oid *excludeOps, bool pretty)
{
	HeapTuple	indtup;
	HeapTuple	reltup;
	Form_pg_index ind;
	Form_pg_class idxrel;
	Oid			indrelid;
	oidvector  *indcollation;
	oidvector  *indclass;
	int2vector *indoption;
	List	   *indexprs = NIL;
	ListCell   *expr_item;
	IndexAmRoutine *amroutine;
	Datum		datum;
	bool		isnull;
	StringInfoData buf;

	indtup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexrelid));
	if (!HeapTupleIsValid(indtup))
		elog(ERROR, "cache lookup failed for index %u", indexrelid);
	ind = (Form_pg_index) GETSTRUCT(indtup);
	indrelid = ind->indrelid;
	indcollation = (oidvector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, indtup, Anum_pg_index_indcollation, &isnull));
	indclass = (oidvector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, indtup, Anum_pg_index_indclass, &isnull));
	indoption = (int2vector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, indtup, Anum_pg_index_indoption, &isnull));
	datum = SysCacheGetAttr(INDEXRELID, indtup, Anum_pg_index_indexprs, &isnull);
	if (!isnull)
		indexprs = (List *) stringToNode(TextDatumGetCString(datum));
	expr_item = list_head(indexprs);

	reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(indexrelid));
	if (!HeapTupleIsValid(reltup))
		elog(ERROR, "cache lookup failed for relation %u", indexrelid);
	idxrel = (Form_pg_class) GETSTRUCT(reltup);
	amroutine = GetIndexAmRoutineByAmId(idxrel->relam, false);

	initStringInfo(&buf);
	if (excludeOps == NULL)
		appendStringInfo(&buf, "CREATE %sINDEX %s ON %s USING %s (",
						 ind->indisunique ? "UNIQUE " : "",
						 quote_identifier(NameStr(idxrel->relname)),
						 TableRef(indrelid, get_rel_name(indrelid)),
						 quote_identifier(get_am_name(idxrel->relam)));
	else
		appendStringInfo(&buf, "EXCLUDE USING %s (", quote_identifier(get_am_name(idxrel->relam)));

	for (int keyno = 0; keyno < ind->indnatts; keyno++)
	{
		AttrNumber	attnum = ind->indkey.values[keyno];
		Oid			keytype;
		Oid			keycoll;

		if (keyno == ind->indnkeyatts)
			appendStringInfoString(&buf, ") INCLUDE (");
		else if (keyno > 0)
			appendStringInfoString(&buf, ", ");
		if (attnum != 0)
		{
			int32		typmod;
			char	   *attname = get_attname(indrelid, attnum, true);

			appendStringInfoString(&buf, attname ? quote_identifier(attname) : "?");
			get_atttypetypmodcoll(indrelid, attnum, &keytype, &typmod, &keycoll);
		}
		else
		{
			Node	   *indexkey;
			char	   *str;

			if (expr_item == NULL)
				elog(ERROR, "too few entries in indexprs list");
			indexkey = (Node *) lfirst(expr_item);
			expr_item = lnext(indexprs, expr_item);
			str = DeparseTableExpr(indexkey, indrelid, pretty);
			if (LooksLikeFunction(indexkey))
				appendStringInfoString(&buf, str);
			else
				appendStringInfo(&buf, "(%s)", str);
			keytype = exprType(indexkey);
			keycoll = exprCollation(indexkey);
		}

		if (keyno < ind->indnkeyatts)
		{
			int16		opt = indoption->values[keyno];
			Oid			coll = indcollation->values[keyno];
			Oid			opclass = indclass->values[keyno];
			Datum		attoptions = get_attoptions(indexrelid, keyno + 1);
			HeapTuple	opctup;

			if (OidIsValid(coll) && coll != keycoll)
				appendStringInfo(&buf, " COLLATE %s", generate_collation_name(coll));
			opctup = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclass));
			if (HeapTupleIsValid(opctup))
			{
				Form_pg_opclass opc = (Form_pg_opclass) GETSTRUCT(opctup);
				bool		isdefault;

				/*
				 * The default opclass for exactly this type is the one
				 * GetDefaultOpClass() would find; for any other (varchar
				 * under text_ops, say) ask it, which scans pg_opclass.
				 */
				if (opc->opcdefault && opc->opcintype == keytype)
					isdefault = true;
				else
					isdefault = (DefaultOpClass(keytype, opc->opcmethod) == opclass);
				ReleaseSysCache(opctup);
				if (attoptions != (Datum) 0 || !isdefault)
					appendStringInfo(&buf, " %s", generate_opclass_name(opclass));
			}
			if (attoptions != (Datum) 0)
				appendStringInfo(&buf, " (%s)", OptionsText(attoptions));
			if (amroutine->amcanorder)
			{
				if (opt & INDOPTION_DESC)
				{
					appendStringInfoString(&buf, " DESC");
					if (!(opt & INDOPTION_NULLS_FIRST))
						appendStringInfoString(&buf, " NULLS LAST");
				}
				else if (opt & INDOPTION_NULLS_FIRST)
					appendStringInfoString(&buf, " NULLS FIRST");
			}
			if (excludeOps != NULL)
				appendStringInfo(&buf, " WITH %s", OperatorName(excludeOps[keyno]));
		}
	}
	appendStringInfoChar(&buf, ')');
	if (ind->indnullsnotdistinct)
		appendStringInfoString(&buf, " NULLS NOT DISTINCT");
	datum = SysCacheGetAttr(RELOID, reltup, Anum_pg_class_reloptions, &isnull);
	if (!isnull)
		appendStringInfo(&buf, " WITH (%s)", OptionsText(datum));
	datum = SysCacheGetAttr(INDEXRELID, indtup, Anum_pg_index_indpred, &isnull);
	if (!isnull)
	{
		char	   *str = DeparseTableExpr((Node *) stringToNode(TextDatumGetCString(datum)),
										   indrelid, pretty);

		appendStringInfo(&buf, excludeOps ? " WHERE (%s)" : " WHERE %s", str);
	}
	ReleaseSysCache(reltup);
	ReleaseSysCache(indtup);
	return buf.data;
}

/*
 * A constraint's definition as pg_get_constraintdef(oid) spells it.  For a
 * key or foreign key that function reads only the catalogs; for a CHECK or
 * EXCLUDE constraint it opens the table to deparse the expressions, so
 * those two are spelled here instead (see DeparseExpr).
 */
char *
ConstraintDef(Oid conoid)
{
	HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	Form_pg_constraint con;
	StringInfoData buf;
	Datum		datum;
	bool		isnull;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for constraint %u", conoid);
	con = (Form_pg_constraint) GETSTRUCT(tup);
	if (con->contype != CONSTRAINT_CHECK && con->contype != CONSTRAINT_EXCLUSION)
	{
		ReleaseSysCache(tup);
		return TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef,
													   ObjectIdGetDatum(conoid)));
	}

	initStringInfo(&buf);
	if (con->contype == CONSTRAINT_CHECK)
	{
		datum = SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_conbin, &isnull);
		appendStringInfo(&buf, "CHECK (%s)%s",
						 isnull ? "" : DeparseTableExpr((Node *) stringToNode(TextDatumGetCString(datum)),
														con->conrelid, false),
						 con->connoinherit ? " NO INHERIT" : "");
	}
	else
	{
		Datum	   *elems;
		int			n;
		Oid		   *ops;

		datum = SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_conexclop, &isnull);
		if (isnull)
			elog(ERROR, "null conexclop for constraint %u", conoid);
		deconstruct_array(DatumGetArrayTypeP(datum), OIDOID, sizeof(Oid), true,
						  TYPALIGN_INT, &elems, NULL, &n);
		ops = palloc(sizeof(Oid) * (n + 1));
		for (int i = 0; i < n; i++)
			ops[i] = DatumGetObjectId(elems[i]);
		appendStringInfoString(&buf, IndexDef(con->conindid, ops, false));
	}
	if (con->condeferrable)
		appendStringInfoString(&buf, " DEFERRABLE");
	if (con->condeferred)
		appendStringInfoString(&buf, " INITIALLY DEFERRED");
	if (!con->convalidated)
		appendStringInfoString(&buf, " NOT VALID");
	ReleaseSysCache(tup);
	return buf.data;
}

/* A function's name as a definition shows it: qualified when not visible */
static char *
FunctionRef(Oid funcoid)
{
	char	   *name = get_func_name(funcoid);

	if (name == NULL)
		return psprintf("function %u", funcoid);
	if (FunctionIsVisible(funcoid))
		return pstrdup(quote_identifier(name));
	return quote_qualified_identifier(get_namespace_name(get_func_namespace(funcoid)), name);
}

/*
 * A trigger as psql \d lists it: pg_get_triggerdef(oid, true) after
 * "CREATE [CONSTRAINT] TRIGGER ", with how it fires when not normally.
 * Built here because pg_get_triggerdef opens the table for a WHEN clause.
 */
char *
TriggerDef(HeapTuple tup, TupleDesc desc)
{
	Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);
	StringInfoData buf;
	int			nevents = 0;
	bool		isnull;
	Datum		value;
	const char *oldtable = NULL;
	const char *newtable = NULL;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s ", quote_identifier(NameStr(trig->tgname)));
	if (TRIGGER_FOR_BEFORE(trig->tgtype))
		appendStringInfoString(&buf, "BEFORE");
	else if (TRIGGER_FOR_AFTER(trig->tgtype))
		appendStringInfoString(&buf, "AFTER");
	else if (TRIGGER_FOR_INSTEAD(trig->tgtype))
		appendStringInfoString(&buf, "INSTEAD OF");
	if (TRIGGER_FOR_INSERT(trig->tgtype))
		appendStringInfoString(&buf, nevents++ ? " OR INSERT" : " INSERT");
	if (TRIGGER_FOR_DELETE(trig->tgtype))
		appendStringInfoString(&buf, nevents++ ? " OR DELETE" : " DELETE");
	if (TRIGGER_FOR_UPDATE(trig->tgtype))
	{
		appendStringInfoString(&buf, nevents++ ? " OR UPDATE" : " UPDATE");
		/* tgattr is the first variable-width field: safe to read in place */
		for (int i = 0; i < trig->tgattr.dim1; i++)
		{
			char	   *attname = get_attname(trig->tgrelid, trig->tgattr.values[i], true);

			appendStringInfo(&buf, "%s%s", i > 0 ? ", " : " OF ",
							 attname ? quote_identifier(attname) : "?");
		}
	}
	if (TRIGGER_FOR_TRUNCATE(trig->tgtype))
		appendStringInfoString(&buf, nevents++ ? " OR TRUNCATE" : " TRUNCATE");
	appendStringInfo(&buf, " ON %s ", TableRef(trig->tgrelid, get_rel_name(trig->tgrelid)));
	if (OidIsValid(trig->tgconstraint))
	{
		if (OidIsValid(trig->tgconstrrelid))
			appendStringInfo(&buf, "FROM %s ",
							 TableRef(trig->tgconstrrelid, get_rel_name(trig->tgconstrrelid)));
		appendStringInfo(&buf, "%sDEFERRABLE INITIALLY %s ", trig->tgdeferrable ? "" : "NOT ",
						 trig->tginitdeferred ? "DEFERRED" : "IMMEDIATE");
	}
	value = heap_getattr(tup, Anum_pg_trigger_tgoldtable, desc, &isnull);
	if (!isnull)
		oldtable = NameStr(*DatumGetName(value));
	value = heap_getattr(tup, Anum_pg_trigger_tgnewtable, desc, &isnull);
	if (!isnull)
		newtable = NameStr(*DatumGetName(value));
	if (oldtable || newtable)
	{
		appendStringInfoString(&buf, "REFERENCING ");
		if (oldtable)
			appendStringInfo(&buf, "OLD TABLE AS %s ", quote_identifier(oldtable));
		if (newtable)
			appendStringInfo(&buf, "NEW TABLE AS %s ", quote_identifier(newtable));
	}
	appendStringInfoString(&buf, TRIGGER_FOR_ROW(trig->tgtype) ? "FOR EACH ROW " : "FOR EACH STATEMENT ");
	value = heap_getattr(tup, Anum_pg_trigger_tgqual, desc, &isnull);
	if (!isnull)
	{
		static const char *const oldnew[] = {"old", "new"};

		appendStringInfo(&buf, "WHEN (%s) ",
						 DeparseExpr((Node *) stringToNode(TextDatumGetCString(value)),
									 trig->tgrelid, oldnew, 2, true));
	}
	appendStringInfo(&buf, "EXECUTE FUNCTION %s(", FunctionRef(trig->tgfoid));
	if (trig->tgnargs > 0)
	{
		bytea	   *args;
		const char *p;

		value = heap_getattr(tup, Anum_pg_trigger_tgargs, desc, &isnull);
		args = isnull ? NULL : DatumGetByteaPP(value);
		p = args ? VARDATA_ANY(args) : NULL;
		for (int i = 0; p != NULL && i < trig->tgnargs; i++)
		{
			appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", quote_literal_cstr(p));
			p += strlen(p) + 1;
		}
	}
	appendStringInfo(&buf, ")%s", TriggerStateName(trig->tgenabled));
	return buf.data;
}
