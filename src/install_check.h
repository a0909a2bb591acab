/*-------------------------------------------------------------------------
 *
 * install_check.h
 *	  Refuse to install or update into a place the installing role may not use.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_INSTALL_CHECK_H
#define FLASHCARD_SCHEMA_INSTALL_CHECK_H

extern void CheckInstallTarget(void);

#endif							/* FLASHCARD_SCHEMA_INSTALL_CHECK_H */
