/*-------------------------------------------------------------------------
 *
 * install_check.c
 *	  Refuse to install or update into a place the installing role may not use.
 *
 * The extension is trusted: a database owner may install and update it, and
 * its scripts then run as the bootstrap superuser, so PostgreSQL checks
 * nothing of what the script creates against the role that asked.  Left
 * alone, CREATE EXTENSION flashcard_schema SCHEMA admin_tools, or a session's
 * SET default_tablespace, would put superuser-owned tables where that role
 * may not create anything.  And the schema stores Greek text: a database
 * that is not UTF8 cannot hold it.  The first statement of every script
 * that leads into 1.4 (the install script and the 1.3 to 1.4 update, which
 * every update route ends with) calls CheckInstallTarget().
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_tablespace.h"
#include "commands/extension.h"
#include "commands/tablespace.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "extension.h"
#include "install_check.h"

/* Whether a role may create objects in a schema or tablespace (PostgreSQL 16 merged the per-kind checks) */
static bool
MayCreateIn(Oid classid, Oid objectid, Oid role)
{
#if PG_VERSION_NUM >= 160000
	return object_aclcheck(classid, objectid, role, ACL_CREATE) == ACLCHECK_OK;
#else
	if (classid == NamespaceRelationId)
		return pg_namespace_aclcheck(objectid, role, ACL_CREATE) == ACLCHECK_OK;
	return pg_tablespace_aclcheck(objectid, role, ACL_CREATE) == ACLCHECK_OK;
#endif
}

/*
 * Refuse a database that is not UTF8, and (when a role that is not a
 * superuser installs or updates) a schema or default tablespace on which
 * the extension's owner has no CREATE.  Called from an extension script.
 */
void
CheckInstallTarget(void)
{
	Oid			role;
	Oid			namespace;
	Oid			tablespace;
	InstalledExtension ext;

	if (!creating_extension)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("flashcard_schema_check_install() can only be called by the scripts of flashcard_schema")));

	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("flashcard_schema requires a database with encoding UTF8, not %s",
						GetDatabaseEncodingName()),
				 errdetail("The schema stores Greek text; a non-UTF8 database cannot hold it faithfully."),
				 errhint("Create the database with UTF8 encoding, e.g. createdb -E UTF8 -T template0 <name>, and install the extension there.")));

	/* A superuser may put it anywhere; so may a role the check passes for */
	if (superuser_arg(GetOuterUserId()))
		return;
	if (!FindExtensionByOid(CurrentExtensionObject, &ext))
		elog(ERROR, "could not find extension %u", CurrentExtensionObject);
	role = ext.owner;
	namespace = ext.namespace;
	if (!MayCreateIn(NamespaceRelationId, namespace, role))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for schema %s", get_namespace_name(namespace)),
				 errdetail("Role \"%s\" may not create objects in schema \"%s\"; the trusted install would create them there as a superuser.",
						   GetUserNameFromId(role, false), get_namespace_name(namespace)),
				 errhint("Install the extension into a schema the role may create objects in.")));

	tablespace = GetDefaultTablespace(RELPERSISTENCE_PERMANENT, false);
	if (OidIsValid(tablespace) && !MayCreateIn(TableSpaceRelationId, tablespace, role))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for tablespace %s", get_tablespace_name(tablespace)),
				 errdetail("Role \"%s\" may not create objects in tablespace \"%s\" (the session's default_tablespace); the trusted install would create them there as a superuser.",
						   GetUserNameFromId(role, false), get_tablespace_name(tablespace)),
				 errhint("RESET default_tablespace, or set it to a tablespace the role may create objects in.")));
}
