/*-------------------------------------------------------------------------
 *
 * blockers.h
 *	  Refuse an update, downgrade or drop that another role's object would block.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_BLOCKERS_H
#define FLASHCARD_SCHEMA_BLOCKERS_H

#include "nodes/parsenodes.h"

#include "extension.h"

extern void RefuseBlockedUpdate(AlterExtensionStmt *stmt);
extern void RefuseBlockedRoute(const InstalledExtension *ext, const char *from, const char *target);
extern void RefuseBlockedDrop(const char *command, bool cascade, List *also_dropped);

#endif							/* FLASHCARD_SCHEMA_BLOCKERS_H */
