/*-------------------------------------------------------------------------
 *
 * verify.h
 *	  Compare the live catalog with a revision of the schema contract.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_VERIFY_H
#define FLASHCARD_SCHEMA_VERIFY_H

/* The installed extension, as pg_extension records it */
typedef struct InstalledExtension
{
	Oid			oid;
	Oid			namespace;
	char	   *version;
	Oid		   *config;			/* tables registered for pg_dump */
	char	  **condition;		/* and their filters ("" for every row) */
	int			nconfig;
} InstalledExtension;

/* Receives one check result; the strings may be NULL and are not retained */
typedef void (*CheckEmitter) (void *arg, const char *object_type,
							  const char *object_name, const char *check_name,
							  bool ok, const char *expected, const char *actual);

/* Discards every check emitted so far (a verification starts again) */
typedef void (*CheckReset) (void *arg);

extern bool FindInstalledExtension(InstalledExtension *ext);
extern void VerifySchema(const InstalledExtension *ext, int revision,
						 CheckEmitter emit, void *arg);
extern void VerifySchemaRetrying(const InstalledExtension *ext, int revision,
								 CheckEmitter emit, CheckReset reset, void *arg);

#endif							/* FLASHCARD_SCHEMA_VERIFY_H */
