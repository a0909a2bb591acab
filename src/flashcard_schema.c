/*-------------------------------------------------------------------------
 *
 * flashcard_schema.c
 *	  SQL entry points: revision, status, verification, assertion and
 *	  distribution.
 *
 * Every entry point here is referenced by a released extension script and
 * must keep its name and signature in every later library, so that a newer
 * library can serve a database still at an older revision.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xlog.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "blockers.h"
#include "citus.h"
#include "contract.h"
#include "drop_guard.h"
#include "extension.h"
#include "install_check.h"
#include "replication.h"
#include "tle_check.h"
#include "verify.h"

PG_MODULE_MAGIC;

#ifndef FLASHCARD_SCHEMA_VERSION
#error "FLASHCARD_SCHEMA_VERSION must come from the control file (see Makefile)"
#endif

/* The longest version argument quoted back in an error message */
#define MAX_SHOWN_VERSION 32

/* flashcard_schema.allow_data_loss, read by the downgrade scripts */
static bool allow_data_loss = false;

void		_PG_init(void);

/* Where a refused allow_data_loss = on came from, for the message */
static const char *
StoredSettingName(GucSource source)
{
	switch (source)
	{
		case PGC_S_GLOBAL:
			return "ALTER ROLE ALL SET";
		case PGC_S_DATABASE:
			return "ALTER DATABASE ... SET";
		case PGC_S_USER:
			return "ALTER ROLE ... SET";
		case PGC_S_DATABASE_USER:
			return "ALTER ROLE ... IN DATABASE ... SET";
		case PGC_S_TEST:
			return "ALTER DATABASE, ALTER ROLE or a function's SET clause";
		default:
			return "the server's configuration (postgresql.conf, ALTER SYSTEM or the command line)";
	}
}

/*
 * Check hook of flashcard_schema.allow_data_loss: "on" counts only when the
 * session itself asks for it (SET, SET LOCAL, or the connection's options).
 *
 * A value stored for a database, a role or the whole server would disarm the
 * refusal of every later downgrade and DROP, whoever runs it (a superuser
 * included), and the database owner can store one: so such a value is
 * refused when it is stored (if this library is loaded then) and ignored,
 * with a warning, when a session starts or loads this library.  "off" is
 * accepted from anywhere.
 */
static bool
CheckAllowDataLoss(bool *newval, void **extra, GucSource source)
{
	if (!*newval)
		return true;
	switch (source)
	{
		case PGC_S_DEFAULT:
		case PGC_S_CLIENT:
		case PGC_S_OVERRIDE:
		case PGC_S_INTERACTIVE:
		case PGC_S_SESSION:
			return true;
		default:
			break;
	}
	GUC_check_errcode(ERRCODE_CANT_CHANGE_RUNTIME_PARAM);
	GUC_check_errmsg("flashcard_schema.allow_data_loss can be turned on only by the session that drops or downgrades");
	if (source == PGC_S_TEST)
		GUC_check_errdetail("A value stored by %s would disarm the refusal of every later downgrade and DROP EXTENSION, whoever runs them, so it cannot be stored.",
							StoredSettingName(source));
	else
		GUC_check_errdetail("The value from %s would disarm the refusal of every later downgrade and DROP EXTENSION, whoever runs them, so it does not count.",
							StoredSettingName(source));
	GUC_check_errhint("Run SET flashcard_schema.allow_data_loss = on (or SET LOCAL) in that session, or connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on'.");
	return false;
}

/* Register the extension's settings when the library is loaded */
void
_PG_init(void)
{
	DefineCustomBoolVariable("flashcard_schema.allow_data_loss",
							 "Lets a downgrade or a DROP discard data that would otherwise be refused.",
							 "Off by default: a downgrade or DROP that would lose data refuses instead. "
							 "Counts only when set in the session (SET, SET LOCAL or connection options).",
							 &allow_data_loss,
							 false,
							 PGC_USERSET,
							 0,
							 CheckAllowDataLoss, NULL, NULL);
	MarkGUCPrefixReserved(EXTENSION_NAME);
	GuardInit(&allow_data_loss);
}

/*
 * Working memory for verify() and assert(): one context per backend, reset
 * before and after each call.  Its first 512 kB are kept across resets, so a
 * monitoring loop does not hand memory back to the operating system and fault
 * it in again on every call.
 */
static MemoryContext verify_memory = NULL;

/* The reset working context for one verification */
static MemoryContext
VerifyMemory(void)
{
	if (verify_memory == NULL)
		verify_memory = AllocSetContextCreate(TopMemoryContext, "flashcard_schema verify",
											  512 * 1024, 512 * 1024,
											  ALLOCSET_DEFAULT_MAXSIZE);
	else
		MemoryContextReset(verify_memory);
	return verify_memory;
}

/* "1.0, 1.1, 1.2": the versions this library knows, for hints */
static char *
KnownVersions(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < contract_nversions; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", contract_versions[i]);
	return buf.data;
}

/* Whether a string is shaped like a version: digits, a dot, digits */
static bool
IsVersionShaped(const char *s, int len)
{
	int			dots = 0;
	bool		digit_before = false;

	for (int i = 0; i < len; i++)
	{
		if (s[i] >= '0' && s[i] <= '9')
			digit_before = true;
		else if (s[i] == '.' && digit_before && dots == 0)
		{
			dots++;
			digit_before = false;
		}
		else
			return false;
	}
	return dots == 1 && digit_before;
}

/* The installed extension, or an error if it is not installed here */
static void
RequireInstalledExtension(InstalledExtension *ext)
{
	if (!FindInstalledExtension(ext) || ext->version == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"flashcard_schema\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION flashcard_schema.")));
}

/*
 * A version's contract revision: a revision, or a pseudo-revision (an
 * adopted Alembic database, numbered by ALEMBIC_REVISION()); -1 if unknown.
 */
static int
RevisionOf(const char *version)
{
	int			revision = ContractRevision(version);

	return revision >= 0 ? revision : ContractAlembicRevision(version);
}

/*
 * The contract revision to check: the version argument if given (validated),
 * otherwise the installed one.
 */
static int
RevisionToCheck(const InstalledExtension *ext, text *arg)
{
	int			revision;

	if (arg == NULL)
	{
		revision = RevisionOf(ext->version);
		if (revision < 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("installed flashcard_schema version \"%s\" is unknown to library version %s",
							ext->version, FLASHCARD_SCHEMA_VERSION),
					 errdetail("The database was updated by a newer release than the library now installed."),
					 errhint("Install the flashcard_schema package that provides version %s, or verify against one of: %s.",
							 ext->version, KnownVersions())));
		return revision;
	}
	else
	{
		char	   *version = text_to_cstring(arg);
		int			len = strlen(version);
		char	   *shown = version;

		revision = RevisionOf(version);
		if (revision >= 0)
			return revision;

		/* Quote back at most a short, whole-character prefix */
		if (len > MAX_SHOWN_VERSION)
			shown = psprintf("%.*s...", pg_mbcliplen(version, len, MAX_SHOWN_VERSION), version);
		if (len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("flashcard_schema version must not be empty"),
					 errhint("Known versions are: %s. Pass NULL for the installed one.",
							 KnownVersions())));
		else if (!IsVersionShaped(version, len) && strncmp(version, "alembic-", 8) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid flashcard_schema version \"%s\"", shown),
					 errdetail("A version is two numbers separated by a dot, such as \"%s\".",
							   FLASHCARD_SCHEMA_VERSION),
					 errhint("Known versions are: %s. Pass NULL for the installed one.",
							 KnownVersions())));
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown flashcard_schema version \"%s\"", shown),
					 errhint("Known versions are: %s. Pass NULL for the installed one.",
							 KnownVersions())));
		pg_unreachable();
	}
}

PG_FUNCTION_INFO_V1(flashcard_schema_revision);

/* The installed revision, as pg_extension records it */
Datum
flashcard_schema_revision(PG_FUNCTION_ARGS)
{
	InstalledExtension ext;

	RequireInstalledExtension(&ext);
	PG_RETURN_TEXT_P(cstring_to_text(ext.version));
}

/* Run a query (with at most one text argument) through SPI; first column of its first row, or NULL */
static char *
QueryText(const char *sql, const char *arg)
{
	Oid			argtype = TEXTOID;
	Datum		value = arg ? CStringGetTextDatum(arg) : (Datum) 0;
	int			rc;
	char	   *result = NULL;

	rc = SPI_execute_with_args(sql, arg ? 1 : 0, &argtype, &value, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
		result = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return result;
}

/* "text, text, boolean": the types of a row's columns */
static char *
ColumnTypes(TupleDesc desc, const Oid *types, int n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
						 format_type_be(desc ? TupleDescAttr(desc, i)->atttypid : types[i]));
	return buf.data;
}

/*
 * Refuse a call whose declared result columns are not those the library
 * fills (types[], the first nshort or all n of them): a superuser may
 * declare a C symbol with any result, and a row of other columns would be
 * built out of bounds.  Returns the number of columns declared.
 */
static int
RequireResultColumns(FunctionCallInfo fcinfo, const char *function,
					 const Oid *types, int nshort, int n)
{
	TupleDesc	desc = NULL;
	int			natts = -1;
	bool		fits;

	if (get_call_result_type(fcinfo, NULL, &desc) == TYPEFUNC_COMPOSITE)
		natts = desc->natts;
	fits = natts == nshort || natts == n;
	for (int i = 0; fits && i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		fits = !att->attisdropped && att->atttypid == types[i];
	}
	if (!fits)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s() is declared with result columns the library does not return", function),
				 natts < 0 ?
				 errdetail("The declaration returns no row type; the library returns %d columns (%s).",
						   n, ColumnTypes(NULL, types, n)) :
				 errdetail("The declaration has %d columns (%s); the library returns %d (%s).",
						   natts, ColumnTypes(desc, NULL, natts), n, ColumnTypes(NULL, types, n)),
				 errhint("Call the extension's own %s(), as its scripts declare it.", function)));
	return natts;
}

/*
 * Refuse a call through a declaration whose arguments are not those the
 * library reads (a superuser may declare a C symbol with any): a text read
 * from an integer, or an argument that was never passed, is a wild pointer.
 */
static void
RequireArguments(FunctionCallInfo fcinfo, const char *function, const Oid *types, int n)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	bool		fits = false;
	StringInfoData declared;

	initStringInfo(&declared);
	if (HeapTupleIsValid(tup))
	{
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);

		fits = proc->pronargs == n && fcinfo->nargs == n;
		for (int i = 0; i < proc->pronargs; i++)
		{
			appendStringInfo(&declared, "%s%s", i > 0 ? ", " : "", format_type_be(proc->proargtypes.values[i]));
			fits = fits && proc->proargtypes.values[i] == types[i];
		}
		ReleaseSysCache(tup);
	}
	if (!fits)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s() is declared with arguments the library does not take", function),
				 errdetail("The declaration takes (%s); the library takes (%s).",
						   declared.data, ColumnTypes(NULL, types, n)),
				 errhint("Call the extension's own %s(), as its scripts declare it.", function)));
}

/* status()'s columns: 1.0 to 1.2 declare the first five, 1.3 three more */
#define STATUS_COLUMNS_1_0 5
#define STATUS_COLUMNS 8

static const Oid status_types[STATUS_COLUMNS] = {
	TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, BOOLOID, BOOLOID, TEXTARRAYOID, TEXTARRAYOID
};

PG_FUNCTION_INFO_V1(flashcard_schema_status);

/*
 * Installed, library and default versions, and the updates pending; from
 * 1.3 also whether this server is a standby and which publications and
 * subscriptions carry the tables.
 *
 * The default version and the update path live in the control file and the
 * script directory, which the server exposes only through SQL functions, so
 * this one entry point uses SPI.  The columns filled are those of the SQL
 * definition calling: 1.0 to 1.2 declare the first five only.
 */
Datum
flashcard_schema_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	InstalledExtension ext;
	char	   *default_version;
	char	   *path;
	ArrayBuildState *pending;
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[STATUS_COLUMNS];
	bool		nulls[STATUS_COLUMNS] = {0};
	int			natts;

	natts = RequireResultColumns(fcinfo, "flashcard_schema_status", status_types,
								 STATUS_COLUMNS_1_0, STATUS_COLUMNS);
	InitMaterializedSRF(fcinfo, 0);
	RequireInstalledExtension(&ext);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	default_version = QueryText("SELECT default_version FROM pg_catalog.pg_available_extensions "
								"WHERE name = 'flashcard_schema'",
								NULL);
	path = QueryText("SELECT path FROM pg_catalog.pg_extension_update_paths('flashcard_schema') "
					 "WHERE source = $1 AND target = "
					 "(SELECT default_version FROM pg_catalog.pg_available_extensions "
					 "WHERE name = 'flashcard_schema')",
					 ext.version);
	if (default_version)
		default_version = MemoryContextStrdup(caller, default_version);
	if (path)
		path = MemoryContextStrdup(caller, path);
	SPI_finish();

	/* "1.0--1.1--1.2" from 1.0: the pending steps are 1.1 and 1.2 */
	pending = initArrayResult(TEXTOID, caller, false);
	for (char *sep = path ? strstr(path, "--") : NULL; sep != NULL;)
	{
		char	   *step = sep + 2;

		sep = strstr(step, "--");
		accumArrayResult(pending,
						 PointerGetDatum(cstring_to_text_with_len(step, sep ? (int) (sep - step) : (int) strlen(step))),
						 false, TEXTOID, caller);
	}

	values[0] = CStringGetTextDatum(ext.version);
	values[1] = CStringGetTextDatum(FLASHCARD_SCHEMA_VERSION);
	if (default_version)
		values[2] = CStringGetTextDatum(default_version);
	else
		nulls[2] = true;
	values[3] = makeArrayResult(pending, caller);
	values[4] = BoolGetDatum(default_version != NULL &&
							 strcmp(ext.version, default_version) == 0 &&
							 strcmp(FLASHCARD_SCHEMA_VERSION, default_version) == 0);
	if (natts == STATUS_COLUMNS)
	{
		ReplicationFacts facts;

		ReadReplicationFacts(&ext, &facts);
		values[5] = BoolGetDatum(RecoveryInProgress());
		values[6] = NameListArray(facts.publications);
		values[7] = NameListArray(facts.subscriptions);
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* verify()'s columns */
#define VERIFY_COLUMNS 6

static const Oid verify_types[VERIFY_COLUMNS] = {
	TEXTOID, TEXTOID, TEXTOID, BOOLOID, TEXTOID, TEXTOID
};
static const Oid verify_arguments[1] = {TEXTOID};

/*
 * State for collecting check rows: formed in the working context, and put
 * into the result once the verification is through (an attempt that meets
 * a concurrent change starts again, and its rows are dropped).
 */
typedef struct RowSink
{
	TupleDesc	desc;
	List	   *rows;
} RowSink;

/* Datum for a possibly-NULL C string */
static inline Datum
NullableText(const char *s, bool *isnull)
{
	*isnull = (s == NULL);
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

/* CheckEmitter that appends a row to the result set */
static void
EmitRow(void *arg, const char *object_type, const char *object_name,
		const char *check_name, bool ok, const char *expected, const char *actual)
{
	RowSink    *sink = (RowSink *) arg;
	Datum		values[6];
	bool		nulls[6];

	values[0] = NullableText(object_type, &nulls[0]);
	values[1] = NullableText(object_name, &nulls[1]);
	values[2] = NullableText(check_name, &nulls[2]);
	values[3] = BoolGetDatum(ok);
	nulls[3] = false;
	values[4] = NullableText(expected, &nulls[4]);
	values[5] = NullableText(actual, &nulls[5]);
	sink->rows = lappend(sink->rows, heap_form_tuple(sink->desc, values, nulls));
}

/* CheckReset that drops the rows collected so far */
static void
ResetRows(void *arg)
{
	((RowSink *) arg)->rows = NIL;
}

PG_FUNCTION_INFO_V1(flashcard_schema_verify);

/* One row per check of the live catalog against a revision (NULL: the installed one) */
Datum
flashcard_schema_verify(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	InstalledExtension ext;
	int			revision;
	RowSink		sink;
	MemoryContext work;
	MemoryContext old;
	ListCell   *lc;

	RequireArguments(fcinfo, "flashcard_schema_verify", verify_arguments, 1);
	RequireResultColumns(fcinfo, "flashcard_schema_verify", verify_types,
						 VERIFY_COLUMNS, VERIFY_COLUMNS);
	InitMaterializedSRF(fcinfo, 0);
	RequireInstalledExtension(&ext);
	revision = RevisionToCheck(&ext, PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0));

	sink.desc = rsinfo->setDesc;
	sink.rows = NIL;
	work = VerifyMemory();
	old = MemoryContextSwitchTo(work);
	VerifySchemaRetrying(&ext, revision, EmitRow, ResetRows, &sink);
	MemoryContextSwitchTo(old);
	foreach(lc, sink.rows)
		tuplestore_puttuple(rsinfo->setResult, (HeapTuple) lfirst(lc));
	MemoryContextReset(work);
	return (Datum) 0;
}

/* State for collecting failed checks into an error detail */
typedef struct FailureList
{
	StringInfoData detail;
	int			nchecks;
	int			nfailed;
} FailureList;

/* CheckEmitter that describes each failing check on a line of its own */
static void
EmitFailure(void *arg, const char *object_type, const char *object_name,
			const char *check_name, bool ok, const char *expected, const char *actual)
{
	FailureList *failures = (FailureList *) arg;

	failures->nchecks++;
	if (ok)
		return;
	failures->nfailed++;
	appendStringInfo(&failures->detail, "\n%s %s: %s: expected %s, found %s",
					 object_type, object_name, check_name,
					 expected ? expected : "none", actual ? actual : "none");
}

/* CheckReset that forgets the checks described so far */
static void
ResetFailures(void *arg)
{
	FailureList *failures = (FailureList *) arg;

	resetStringInfo(&failures->detail);
	failures->nchecks = 0;
	failures->nfailed = 0;
}

/* Raise an error listing every failing check unless the live schema matches a revision */
static void
RequireMatchingSchema(const InstalledExtension *ext, int revision)
{
	FailureList failures;
	MemoryContext work;
	MemoryContext old;

	work = VerifyMemory();
	old = MemoryContextSwitchTo(work);
	initStringInfo(&failures.detail);
	failures.nchecks = 0;
	failures.nfailed = 0;
	VerifySchemaRetrying(ext, revision, EmitFailure, ResetFailures, &failures);
	MemoryContextSwitchTo(old);

	/* The error report copies its strings; the next call resets the context */
	if (failures.nfailed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_DEFINITION),
				 errmsg("flashcard_schema %s does not match its expected schema", ext->version),
				 errdetail("%d of %d checks failed:%s",
						   failures.nfailed, failures.nchecks, failures.detail.data),
				 errhint("SELECT * FROM flashcard_schema_verify() WHERE NOT ok lists each difference.")));
	MemoryContextReset(work);
}

PG_FUNCTION_INFO_V1(flashcard_schema_assert);

/* Return quietly if the live schema matches the installed revision, else raise an error */
Datum
flashcard_schema_assert(PG_FUNCTION_ARGS)
{
	InstalledExtension ext;

	RequireInstalledExtension(&ext);
	RequireMatchingSchema(&ext, RevisionToCheck(&ext, NULL));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(flashcard_schema_distribute);

/*
 * Lay the tables out over a Citus cluster (reference tables and tables
 * distributed by user_id), in the caller's transaction, from a schema that
 * matches its revision.
 */
Datum
flashcard_schema_distribute(PG_FUNCTION_ARGS)
{
	InstalledExtension ext;
	int			revision;
	static const Oid arguments[1] = {INT4OID};

	RequireArguments(fcinfo, "flashcard_schema_distribute", arguments, 1);
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("shard_count must not be null"),
				 errhint("Omit it for the default of 32 shards.")));
	if (PG_GETARG_INT32(0) < 1 || PG_GETARG_INT32(0) > MAX_SHARD_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shard_count must be between 1 and %d", MAX_SHARD_COUNT),
				 errdetail("shard_count was %d.", PG_GETARG_INT32(0))));
	RequireInstalledExtension(&ext);
	revision = RevisionToCheck(&ext, NULL);
	if (IS_ALEMBIC_REVISION(revision))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("flashcard_schema %s is an adopted database not yet updated", ext.version),
				 errhint("Run ALTER EXTENSION flashcard_schema UPDATE first.")));
	/* Citus first (the clearest refusal), then the schema, then the cluster */
	RequireCitus();
	RequireMatchingSchema(&ext, revision);
	DistributeSchema(&ext, revision, PG_GETARG_INT32(0));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(flashcard_schema_drop_guard);

/*
 * Event trigger at ddl_command_start: refuse a DROP that would take the
 * tables' rows (from 1.4 also adding members to the extension, and dropping
 * or changing an index of a table with rows); before an update of the
 * extension, warn about the order replicas must follow.  From 1.4 also at
 * sql_drop: refuse if the statement dropped tables, keys or indexes whose
 * tables held rows, whatever cascade reached them.
 */
Datum
flashcard_schema_drop_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("flashcard_schema_drop_guard() must be called as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	if (strcmp(trigdata->event, "sql_drop") == 0)
		GuardDroppedObjects(GetCommandTagName(trigdata->tag), allow_data_loss);
	else if (IsA(trigdata->parsetree, AlterExtensionStmt))
	{
		WarnReplicationOrderOnUpdate((AlterExtensionStmt *) trigdata->parsetree);
		RefuseBlockedUpdate((AlterExtensionStmt *) trigdata->parsetree);
	}
	else
		GuardDrop(trigdata, allow_data_loss);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(flashcard_schema_replication_warning);

/*
 * The replication warning of the update step from one version to another,
 * for the update script to 1.3 (which runs before the event trigger exists,
 * creates this function, calls it once and drops it).
 */
Datum
flashcard_schema_replication_warning(PG_FUNCTION_ARGS)
{
	InstalledExtension ext;
	static const Oid arguments[2] = {TEXTOID, TEXTOID};

	RequireArguments(fcinfo, "flashcard_schema_replication_warning", arguments, 2);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_VOID();
	WarnReplicationOrderOfStep(text_to_cstring(PG_GETARG_TEXT_PP(0)),
							   text_to_cstring(PG_GETARG_TEXT_PP(1)));
	/* The new library also refuses the step if another role's object blocks it */
	if (FindInstalledExtension(&ext))
		RefuseBlockedRoute(&ext, text_to_cstring(PG_GETARG_TEXT_PP(0)),
						   text_to_cstring(PG_GETARG_TEXT_PP(1)));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(flashcard_schema_check_install);

/*
 * Called by the first statement of the scripts leading into 1.4: refuse a
 * database that is not UTF8, a schema or tablespace the installing role
 * may not create objects in, and a database that holds the pg_tle flavor.
 */
Datum
flashcard_schema_check_install(PG_FUNCTION_ARGS)
{
	CheckInstallTarget();
	CheckNoTleFlavor();
	PG_RETURN_VOID();
}
