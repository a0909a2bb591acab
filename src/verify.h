/*-------------------------------------------------------------------------
 *
 * verify.h
 *	  Compare the live catalog with a revision of the schema contract.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_VERIFY_H
#define FLASHCARD_SCHEMA_VERIFY_H

#include "extension.h"

/* Receives one check result; the strings may be NULL and are not retained */
typedef void (*CheckEmitter) (void *arg, const char *object_type,
							  const char *object_name, const char *check_name,
							  bool ok, const char *expected, const char *actual);

/* Discards every check emitted so far (a verification starts again) */
typedef void (*CheckReset) (void *arg);

extern void VerifySchema(const InstalledExtension *ext, int revision,
						 CheckEmitter emit, void *arg);
extern void VerifySchemaRetrying(const InstalledExtension *ext, int revision,
								 CheckEmitter emit, CheckReset reset, void *arg);

#endif							/* FLASHCARD_SCHEMA_VERIFY_H */
