/*-------------------------------------------------------------------------
 *
 * tle_check.h
 *	  Refuse the C flavor in a database that holds the pg_tle flavor.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_TLE_CHECK_H
#define FLASHCARD_SCHEMA_TLE_CHECK_H

extern void CheckNoTleFlavor(void);

#endif							/* FLASHCARD_SCHEMA_TLE_CHECK_H */
