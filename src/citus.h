/*-------------------------------------------------------------------------
 *
 * citus.h
 *	  The distributed layout on a Citus cluster: reading it, making it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_CITUS_H
#define FLASHCARD_SCHEMA_CITUS_H

#include "extension.h"

/* Citus's own limit on shards per table */
#define MAX_SHARD_COUNT 64000

/* How Citus's metadata (pg_dist_partition) records one table */
typedef struct CitusLayout
{
	char		method;			/* partmethod: 'h' hash, 'n' none; '\0' if not a Citus table */
	char		model;			/* repmodel: 't' for a reference table */
	int			colocation;		/* colocationid */
	AttrNumber	column;			/* distribution column, or InvalidAttrNumber */
} CitusLayout;

extern Oid	CitusMetadataCatalog(void);
extern void CitusLayouts(Oid catalog, const Oid *relids, int n, CitusLayout *layouts);
extern bool CitusTable(Oid relid);
extern void RequireCitus(void);
extern void DistributeSchema(const InstalledExtension *ext, int revision, int shard_count);

#endif							/* FLASHCARD_SCHEMA_CITUS_H */
