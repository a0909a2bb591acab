/*-------------------------------------------------------------------------
 *
 * extension.c
 *	  Look up an extension's row of pg_extension, by name or by oid.
 *
 * pg_extension has no syscache on PostgreSQL 15, so this is an index scan.
 * The strings and arrays are copied into the caller's memory context.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"

#include "extension.h"

/* Copy one pg_extension row into ext */
static void
ReadExtensionRow(HeapTuple tup, TupleDesc desc, InstalledExtension *ext)
{
	Form_pg_extension form = (Form_pg_extension) GETSTRUCT(tup);
	bool		isnull;
	Datum		datum;

	ext->oid = form->oid;
	ext->owner = form->extowner;
	ext->namespace = form->extnamespace;
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

/* Scan pg_extension through one of its unique indexes; false if no row matches */
static bool
ScanExtension(Oid index, AttrNumber attno, RegProcedure eqproc, Datum value,
			  InstalledExtension *ext)
{
	Relation	catalog;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	bool		found;

	ScanKeyInit(&key, attno, BTEqualStrategyNumber, eqproc, value);
	catalog = table_open(ExtensionRelationId, AccessShareLock);
	scan = systable_beginscan(catalog, index, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	found = HeapTupleIsValid(tup);
	if (found)
		ReadExtensionRow(tup, RelationGetDescr(catalog), ext);
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);
	return found;
}

/* Look up an installed extension by name; false if it is not installed */
bool
FindExtensionByName(const char *name, InstalledExtension *ext)
{
	return ScanExtension(ExtensionNameIndexId, Anum_pg_extension_extname,
						 F_NAMEEQ, CStringGetDatum(name), ext);
}

/* Look up an extension by oid (one being created included); false if there is none */
bool
FindExtensionByOid(Oid extension, InstalledExtension *ext)
{
	return ScanExtension(ExtensionOidIndexId, Anum_pg_extension_oid,
						 F_OIDEQ, ObjectIdGetDatum(extension), ext);
}

/* Look up flashcard_schema itself; false if it is not installed */
bool
FindInstalledExtension(InstalledExtension *ext)
{
	return FindExtensionByName(EXTENSION_NAME, ext);
}
