/*-------------------------------------------------------------------------
 *
 * drop_guard.h
 *	  Refuse a DROP that would take the extension's tables, keys or indexes
 *	  while the tables hold rows.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_DROP_GUARD_H
#define FLASHCARD_SCHEMA_DROP_GUARD_H

#include "commands/event_trigger.h"

extern void GuardInit(const bool *allow_data_loss);
extern void GuardDrop(EventTriggerData *trigdata, bool allow_data_loss);
extern void GuardDroppedObjects(const char *command, bool allow_data_loss);
extern void GuardSuspend(bool suspend);

#endif							/* FLASHCARD_SCHEMA_DROP_GUARD_H */
