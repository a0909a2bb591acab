/*-------------------------------------------------------------------------
 *
 * drop_guard.h
 *	  Refuse a DROP that would take the extension's tables with their rows.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_DROP_GUARD_H
#define FLASHCARD_SCHEMA_DROP_GUARD_H

#include "commands/event_trigger.h"

extern void GuardDrop(EventTriggerData *trigdata, bool allow_data_loss);

#endif							/* FLASHCARD_SCHEMA_DROP_GUARD_H */
