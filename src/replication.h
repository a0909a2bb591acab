/*-------------------------------------------------------------------------
 *
 * replication.h
 *	  Publications and subscriptions that carry the extension's tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_REPLICATION_H
#define FLASHCARD_SCHEMA_REPLICATION_H

#include "nodes/parsenodes.h"

#include "extension.h"

/* Who replicates the extension's tables, as sorted lists of names */
typedef struct ReplicationFacts
{
	List	   *publications;	/* of char *: publications including a table */
	List	   *subscriptions;	/* of char *: subscriptions writing into one */
} ReplicationFacts;

extern void ReadReplicationFacts(const InstalledExtension *ext, ReplicationFacts *facts);
extern Datum NameListArray(List *names);
extern void WarnReplicationOrderOfStep(const char *from, const char *target);
extern char *UpdateTarget(AlterExtensionStmt *stmt);
extern void WarnReplicationOrderOnUpdate(AlterExtensionStmt *stmt);

#endif							/* FLASHCARD_SCHEMA_REPLICATION_H */
