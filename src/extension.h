/*-------------------------------------------------------------------------
 *
 * extension.h
 *	  The extension's name and its row of pg_extension: one home for both.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_EXTENSION_H
#define FLASHCARD_SCHEMA_EXTENSION_H

/* The extension's name, as CREATE EXTENSION takes it (also its GUC prefix) */
#define EXTENSION_NAME "flashcard_schema"

/* An installed extension, as pg_extension records it */
typedef struct InstalledExtension
{
	Oid			oid;
	Oid			owner;
	Oid			namespace;
	char	   *version;		/* NULL if the row has none */
	Oid		   *config;			/* tables registered for pg_dump */
	char	  **condition;		/* and their filters ("" for every row) */
	int			nconfig;
} InstalledExtension;

extern bool FindExtensionByName(const char *name, InstalledExtension *ext);
extern bool FindExtensionByOid(Oid extension, InstalledExtension *ext);
extern bool FindInstalledExtension(InstalledExtension *ext);

#endif							/* FLASHCARD_SCHEMA_EXTENSION_H */
