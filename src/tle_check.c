/*-------------------------------------------------------------------------
 *
 * tle_check.c
 *	  Refuse the C flavor in a database that holds the pg_tle flavor.
 *
 * A managed server's database may hold the pg_tle flavor (docs/managed.md):
 * pg_tle keeps an extension's control file and scripts as functions of its
 * schema pgtle, the control file as pgtle."flashcard_schema.control"().  When
 * the C package is installed on that server later, pg_tle steps aside (an
 * extension whose control file is on disk is a file extension to it), so
 * CREATE or ALTER EXTENSION flashcard_schema would run the C flavor's scripts
 * over a database whose registration, and perhaps objects, belong to the
 * other flavor.  The scripts that lead into 1.4 call this first (through
 * flashcard_schema_check_install()), so that mix is refused before anything
 * changes.  The opposite order, pg_tle's install where the C package's files
 * exist, is refused by the pg_tle migration itself (tle/generate) and by
 * pg_tle.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "extension.h"
#include "tle_check.h"

#define TLE_SCHEMA "pgtle"
#define TLE_CONTROL_FUNCTION EXTENSION_NAME ".control"

/*
 * Refuse when this database has the pg_tle flavor registered: its control
 * function pgtle."flashcard_schema.control"() exists (a syscache lookup; no
 * pg_tle schema, no registration).
 */
void
CheckNoTleFlavor(void)
{
	Oid			namespace = get_namespace_oid(TLE_SCHEMA, true);
	oidvector  *noargs;

	if (!OidIsValid(namespace))
		return;
	noargs = buildoidvector(NULL, 0);
	if (!SearchSysCacheExists3(PROCNAMEARGSNSP,
							   CStringGetDatum(TLE_CONTROL_FUNCTION),
							   PointerGetDatum(noargs),
							   ObjectIdGetDatum(namespace)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DUPLICATE_OBJECT),
			 errmsg("the pg_tle flavor of flashcard_schema is registered in this database"),
			 errdetail("pg_tle holds the scripts of flashcard_schema here (function %s.\"%s\"()); the C flavor's scripts must not run over them.",
					   TLE_SCHEMA, TLE_CONTROL_FUNCTION),
			 errhint("Keep using the pg_tle flavor in this database, or run DROP EXTENSION flashcard_schema and SELECT pgtle.uninstall_extension('flashcard_schema') before installing the C flavor.")));
}
