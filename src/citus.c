/*-------------------------------------------------------------------------
 *
 * citus.c
 *	  The distributed layout on a Citus cluster: reading it, making it.
 *
 * Citus records each distributed or reference table in its own catalog,
 * pg_catalog.pg_dist_partition, which exists only where the citus
 * extension is installed; it is read here with a plain catalog scan (no
 * dependency on Citus's headers or library), for verify() and the DROP
 * guard.  flashcard_schema_distribute() lays the tables out as
 * contract_distribution[] says, through Citus's SQL functions (SPI: they
 * are the only interface Citus offers), in the caller's transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "citus.h"
#include "contract.h"
#include "drop_guard.h"

/* Citus's catalog of distributed tables, or InvalidOid where Citus is not installed */
Oid
CitusMetadataCatalog(void)
{
	return get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
}

/* The attribute number of a column of a catalog found by name (Citus adds columns over time) */
static AttrNumber
CatalogColumn(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return att->attnum;
	}
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("pg_dist_partition has no column \"%s\"", name),
			 errdetail("This version of Citus records its tables in a way flashcard_schema does not know.")));
	pg_unreachable();
}

/* The column a pg_dist_partition.partkey names ("{VAR ... :varattno 2 ...}") */
static AttrNumber
PartitionColumn(const char *partkey)
{
	Node	   *node;

	if (partkey == NULL || partkey[0] == '\0')
		return InvalidAttrNumber;
	node = stringToNode(partkey);
	return (node != NULL && IsA(node, Var)) ? ((Var *) node)->varattno : InvalidAttrNumber;
}

/*
 * How Citus records each of n tables (method '\0': not a Citus table), in
 * one scan of its catalog.  Takes only AccessShareLock on that catalog.
 */
void
CitusLayouts(Oid catalog, const Oid *relids, int n, CitusLayout *layouts)
{
	Relation	rel;
	TupleDesc	desc;
	SysScanDesc scan;
	HeapTuple	tup;
	AttrNumber	a_relid,
				a_method,
				a_key,
				a_colocation,
				a_model;

	memset(layouts, 0, sizeof(CitusLayout) * n);
	if (!OidIsValid(catalog))
		return;
	rel = table_open(catalog, AccessShareLock);
	desc = RelationGetDescr(rel);
	a_relid = CatalogColumn(desc, "logicalrelid");
	a_method = CatalogColumn(desc, "partmethod");
	a_key = CatalogColumn(desc, "partkey");
	a_colocation = CatalogColumn(desc, "colocationid");
	a_model = CatalogColumn(desc, "repmodel");

	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Oid			relid = DatumGetObjectId(heap_getattr(tup, a_relid, desc, &isnull));

		for (int i = 0; i < n && !isnull; i++)
		{
			Datum		key;

			if (relids[i] != relid || !OidIsValid(relid))
				continue;
			layouts[i].method = DatumGetChar(heap_getattr(tup, a_method, desc, &isnull));
			layouts[i].model = DatumGetChar(heap_getattr(tup, a_model, desc, &isnull));
			layouts[i].colocation = DatumGetInt32(heap_getattr(tup, a_colocation, desc, &isnull));
			key = heap_getattr(tup, a_key, desc, &isnull);
			layouts[i].column = isnull ? InvalidAttrNumber : PartitionColumn(TextDatumGetCString(key));
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Whether Citus distributes a table (its rows are then on the shards, not in it) */
bool
CitusTable(Oid relid)
{
	CitusLayout layout;

	CitusLayouts(CitusMetadataCatalog(), &relid, 1, &layout);
	return layout.method != '\0';
}

/* Raise an error unless Citus is installed in this database */
void
RequireCitus(void)
{
	if (!OidIsValid(get_extension_oid("citus", true)) || !OidIsValid(CitusMetadataCatalog()))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"citus\" is not installed in this database"),
				 errdetail("flashcard_schema_distribute() spreads the tables over the nodes of a Citus cluster."),
				 errhint("Run it on the Citus coordinator, in a database with CREATE EXTENSION citus and its workers added.")));
}

/* Run one statement through SPI, with arguments; an error if it fails */
static void
Execute(const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);

	if (rc < 0)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
}

/* Run one SQL-level command on every worker; the result text of each, with node names */
static void
OnWorkers(const char *command)
{
	Oid			type = TEXTOID;
	Datum		value = CStringGetTextDatum(command);
	int			rc;

	rc = SPI_execute_with_args("SELECT nodename, nodeport, success, result "
							   "FROM pg_catalog.run_command_on_workers($1) "
							   "ORDER BY nodename, nodeport",
							   1, &type, &value, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
}

/* Column i (from 1) of row r of the last SPI result, as text (NULL stays NULL) */
static char *
Cell(uint64 r, int i)
{
	return SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i);
}

/*
 * Whether a failed answer of run_command_on_workers() says that the worker
 * could not be reached (Citus's own words for it), rather than that the
 * worker ran the command and refused it.
 */
static bool
IsConnectionFailure(const char *answer)
{
	return answer == NULL ||
		strncmp(answer, "failed to connect to ", 21) == 0 ||
		strncmp(answer, "failed to send query to ", 24) == 0 ||
		strcmp(answer, "connection lost") == 0 ||
		strcmp(answer, "query result unavailable") == 0;
}

/*
 * Row r of the last OnWorkers() result: its answer, and the worker as
 * host:port in *node; an error if the command failed there ("could not
 * <what> on worker host:port"): a connection failure when the worker could
 * not be reached, otherwise the worker is not in a state to take part.
 */
static char *
WorkerAnswer(uint64 r, const char *what, char **node)
{
	char	   *answer = Cell(r, 4);

	*node = psprintf("%s:%s", Cell(r, 1), Cell(r, 2));
	if (strcmp(Cell(r, 3), "t") != 0)
		ereport(ERROR,
				(errcode(IsConnectionFailure(answer) ? ERRCODE_CONNECTION_FAILURE
						 : ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not %s on worker %s", what, *node),
				 errdetail("The worker answered: %s.", answer ? answer : "nothing")));
	return answer;
}

/*
 * Refuse unless every worker has the extension at our version, and none has
 * rows in its own copies of the tables (which distributed tables would hide).
 */
static void
RequireWorkers(const InstalledExtension *ext, const char *const *qualified, int ntables)
{
	StringInfoData rows;

	OnWorkers("SELECT COALESCE("
			  "(SELECT extversion FROM pg_catalog.pg_extension "
			  "WHERE extname OPERATOR(pg_catalog.=) 'flashcard_schema'), "
			  "(SELECT '-' FROM pg_catalog.pg_available_extensions "
			  "WHERE name OPERATOR(pg_catalog.=) 'flashcard_schema'), '')");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *node;
		char	   *version = WorkerAnswer(r, "check flashcard_schema", &node);

		if (version == NULL || version[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the flashcard_schema package is not installed on worker %s", node),
					 errdetail("Every node of the cluster needs the package that provides flashcard_schema %s.",
							   ext->version),
					 errhint("Install the package on every worker, then run flashcard_schema_distribute() again.")));
		if (strcmp(version, "-") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("extension \"flashcard_schema\" is not installed on worker %s", node),
					 errdetail("Every worker needs the extension at the coordinator's version, %s.",
							   ext->version),
					 errhint("CREATE EXTENSION on the coordinator installs it on the workers; "
							 "a worker added with citus_add_node() gets it then.")));
		if (strcmp(version, ext->version) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("worker %s has flashcard_schema %s, the coordinator %s",
							node, version, ext->version),
					 errhint("Run ALTER EXTENSION flashcard_schema UPDATE on the coordinator, which updates every node.")));
	}

	initStringInfo(&rows);
	appendStringInfoString(&rows, "SELECT 0");
	for (int i = 0; i < ntables; i++)
		appendStringInfo(&rows, " OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM ONLY %s)",
						 qualified[i]);
	OnWorkers(rows.data);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *node;
		char	   *count = WorkerAnswer(r, "count the rows of flashcard_schema's tables", &node);

		if (count != NULL && strcmp(count, "0") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("worker %s holds %s rows in its own copies of the tables of flashcard_schema",
							node, count),
					 errdetail("Distributed tables would hide rows written directly to a worker."),
					 errhint("Move those rows to the coordinator, or delete them, then run flashcard_schema_distribute() again.")));
	}
}

/* The contract's primary key of a table in a revision */
static const ContractConstraint *
PrimaryKey(const char *table, int revision)
{
	for (int i = 0; i < contract_nconstraints; i++)
	{
		if (CONTRACT_IN(&contract_constraints[i], revision) &&
			contract_constraints[i].contype == CONSTRAINT_PRIMARY &&
			strcmp(contract_constraints[i].table, table) == 0)
			return &contract_constraints[i];
	}
	elog(ERROR, "the contract has no primary key for table \"%s\" in revision %s", table, contract_versions[revision]);
	pg_unreachable();
}

/* One table of the layout, as DistributeSchema() works through it */
typedef struct DistributedTable
{
	Oid			relid;
	const char *qualified;		/* schema-qualified and quoted */
	const ContractDistribution *fact;	/* its table and its distribution column, if any */
} DistributedTable;

/*
 * The tables of the revision's layout, in the order contract_distribution[]
 * gives; refuses if the caller does not own one of them.
 */
static DistributedTable *
LayoutTables(const InstalledExtension *ext, int revision, int *ntables)
{
	const char *schema = get_namespace_name(ext->namespace);
	DistributedTable *tables = palloc(sizeof(DistributedTable) * contract_ndistribution);
	int			n = 0;

	for (int i = 0; i < contract_ndistribution; i++)
	{
		const ContractDistribution *d = &contract_distribution[i];
		HeapTuple	tup;
		Oid			owner;

		if (!CONTRACT_IN(d, revision))
			continue;
		tables[n].relid = get_relname_relid(d->table, ext->namespace);
		if (!OidIsValid(tables[n].relid))
			elog(ERROR, "table \"%s\" of flashcard_schema does not exist", d->table);
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(tables[n].relid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for relation %u", tables[n].relid);
		owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
		ReleaseSysCache(tup);
		if (!has_privs_of_role(GetUserId(), owner))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("must be owner of table %s to distribute flashcard_schema", d->table),
					 errhint("Run flashcard_schema_distribute() as the role that owns the tables (the one that ran CREATE EXTENSION, or a superuser).")));
		tables[n].qualified = quote_qualified_identifier(schema, d->table);
		tables[n].fact = d;
		n++;
	}
	*ntables = n;
	return tables;
}

/* Refuse unless every table is still local (distribute() starts from local tables) */
static void
RequireLocalTables(const DistributedTable *tables, int n)
{
	Oid		   *relids = palloc(sizeof(Oid) * n);
	CitusLayout *layouts = palloc(sizeof(CitusLayout) * n);
	int			ncitus = 0;

	for (int i = 0; i < n; i++)
		relids[i] = tables[i].relid;
	CitusLayouts(CitusMetadataCatalog(), relids, n, layouts);
	for (int i = 0; i < n; i++)
		ncitus += layouts[i].method != '\0';
	if (ncitus == n)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("flashcard_schema is already distributed"),
				 errdetail("Citus already distributes all %d tables.", n)));
	for (int i = 0; i < n; i++)
	{
		if (layouts[i].method != '\0')
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table \"%s\" of flashcard_schema is already a Citus table", tables[i].fact->table),
					 errdetail("flashcard_schema_distribute() lays out all the tables at once, from local tables."),
					 errhint("Undo the partial layout with undistribute_table(), then run flashcard_schema_distribute() again.")));
	}
}

/* ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] through SPI */
static void
DropConstraint(const char *qualified, const char *name, bool if_exists)
{
	Execute(psprintf("ALTER TABLE %s DROP CONSTRAINT %s%s", qualified,
					 if_exists ? "IF EXISTS " : "", quote_identifier(name)),
			0, NULL, NULL);
}

/*
 * On the local tables, drop the foreign keys and the primary keys that lack
 * the distribution column (Citus refuses to distribute with them).
 */
static void
DropKeys(const char *schema, const DistributedTable *tables, int n, int revision)
{
	for (int i = 0; i < contract_nconstraints; i++)
	{
		const ContractConstraint *c = &contract_constraints[i];

		if (CONTRACT_IN(c, revision) && c->contype == CONSTRAINT_FOREIGN)
			DropConstraint(quote_qualified_identifier(schema, c->table), c->name, false);
	}
	for (int i = 0; i < n; i++)
	{
		if (tables[i].fact->column != NULL)
			DropConstraint(tables[i].qualified, PrimaryKey(tables[i].fact->table, revision)->name, false);
	}
}

/*
 * Make each table a reference table or a distributed one, in order: the
 * first distributed table anchors a new colocation group, the others join it;
 * then free the coordinator's local copies of the rows.
 */
static void
LayOut(const DistributedTable *tables, int n, int shard_count)
{
	const char *anchor = NULL;

	for (int i = 0; i < n; i++)
	{
		Oid			types[3] = {REGCLASSOID, TEXTOID, INT4OID};
		Datum		values[3];

		values[0] = ObjectIdGetDatum(tables[i].relid);
		if (tables[i].fact->column == NULL)
			Execute("SELECT pg_catalog.create_reference_table($1)", 1, types, values);
		else
		{
			values[1] = CStringGetTextDatum(tables[i].fact->column);
			if (anchor == NULL)
			{
				values[2] = Int32GetDatum(shard_count);
				Execute("SELECT pg_catalog.create_distributed_table($1, $2, "
						"colocate_with => 'none', shard_count => $3)", 3, types, values);
				anchor = tables[i].qualified;
			}
			else
			{
				values[2] = CStringGetTextDatum(anchor);
				types[2] = TEXTOID;
				Execute("SELECT pg_catalog.create_distributed_table($1, $2, colocate_with => $3)",
						3, types, values);
			}
		}
	}
	for (int i = 0; i < n; i++)
	{
		Oid			type = REGCLASSOID;
		Datum		value = ObjectIdGetDatum(tables[i].relid);

		Execute("SELECT pg_catalog.truncate_local_data_after_distributing_table($1)", 1, &type, &value);
	}
}

/*
 * Add the keys and foreign keys back in their final form, through Citus: on
 * the coordinator, every shard and the workers' own copies of the tables
 * (which CREATE EXTENSION made there with the old keys: hence DROP ... IF
 * EXISTS before each ADD).
 */
static void
AddKeysBack(const char *schema, const DistributedTable *tables, int n, int revision)
{
	for (int i = 0; i < n; i++)
	{
		const char *pkey;

		if (tables[i].fact->column == NULL)
			continue;
		pkey = PrimaryKey(tables[i].fact->table, revision)->name;
		DropConstraint(tables[i].qualified, pkey, true);
		Execute(psprintf("ALTER TABLE %s ADD CONSTRAINT %s PRIMARY KEY %s",
						 tables[i].qualified, quote_identifier(pkey), tables[i].fact->key),
				0, NULL, NULL);
	}
	for (int i = 0; i < contract_nconstraints; i++)
	{
		const ContractConstraint *c = &contract_constraints[i];
		char	   *table;

		if (!CONTRACT_IN(c, revision) || c->contype != CONSTRAINT_FOREIGN)
			continue;
		table = quote_qualified_identifier(schema, c->table);
		DropConstraint(table, c->name, true);
		Execute(psprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY %s REFERENCES %s%s ON DELETE %s",
						 table, quote_identifier(c->name), c->columns,
						 quote_qualified_identifier(schema, c->reftable), c->refcolumns, c->on_delete),
				0, NULL, NULL);
	}
}

/*
 * Lay the tables out on the Citus cluster as contract_distribution[] says,
 * in the caller's transaction, with every row kept.
 *
 * Citus refuses to make a reference table while tables that reference it
 * are local, and to distribute a table whose primary key lacks the
 * distribution column.  So: drop the foreign keys and the three primary
 * keys on the coordinator (local tables: Citus does not propagate that),
 * lay the tables out, then add them back in their final form.
 */
void
DistributeSchema(const InstalledExtension *ext, int revision, int shard_count)
{
	const char *schema = get_namespace_name(ext->namespace);
	int			n;
	DistributedTable *tables = LayoutTables(ext, revision, &n);
	const char **qualified = palloc(sizeof(char *) * n);
	int			nestlevel;

	RequireLocalTables(tables, n);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	if (SPI_execute("SELECT pg_catalog.citus_is_coordinator()", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1 || strcmp(Cell(0, 1), "t") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("flashcard_schema_distribute() must run on the Citus coordinator"),
				 errhint("Connect to the coordinator and run it there; it reaches every worker.")));
	for (int i = 0; i < n; i++)
		qualified[i] = tables[i].qualified;
	RequireWorkers(ext, qualified, n);

	/*
	 * Citus runs a transaction's DDL on reference tables and shards over one
	 * connection per node only in sequential mode; Citus's notices (one per
	 * table copied) are noise here.  Both settings end with this function.
	 */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("citus.multi_shard_modify_mode", "sequential",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("client_min_messages", "warning",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	/*
	 * The DROP guard (from 1.4 it refuses dropping keys while the tables
	 * hold rows) lets this function through: every key it drops is added
	 * back below, in this transaction.
	 */
	GuardSuspend(true);
	DropKeys(schema, tables, n, revision);
	LayOut(tables, n, shard_count);
	AddKeysBack(schema, tables, n, revision);
	GuardSuspend(false);

	AtEOXact_GUC(true, nestlevel);
	SPI_finish();
}
