/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  Read one table's (or function's) live catalog entries as verify()
 *	  compares them: columns, constraints, indexes, grants, inheritance.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_CATALOG_H
#define FLASHCARD_SCHEMA_CATALOG_H

#include "access/htup.h"
#include "utils/acl.h"

/*
 * Since PostgreSQL 18 every NOT NULL column also has a pg_constraint row
 * (contype 'n'), which can be NOT VALID or NO INHERIT.  Before 18 there are
 * no such rows, and attnotnull is the whole story.
 */
#if PG_VERSION_NUM >= 180000
#define HAVE_NOTNULL_CONSTRAINTS true
#else
#define HAVE_NOTNULL_CONSTRAINTS false
#define CONSTRAINT_NOTNULL 'n'
#endif

/* A live column of a table, as the checks need it */
typedef struct LiveColumn
{
	const char *name;
	int			position;		/* among live columns, as psql lists them */
	char	   *type;
	char	   *collation;		/* if not the type's default, else NULL */
	bool		notnull;
	char	   *defval;
	char	   *comment;
	bool		matched;		/* named by the contract */
} LiveColumn;

/* A constraint of a table */
typedef struct LiveConstraint
{
	char	   *name;
	char		contype;
	Oid			oid;
	char	   *columns;
	char	   *references;
	char		on_delete;
	Oid			index;			/* backing index, if any */
	bool		validated;		/* not NOT VALID */
	bool		noinherit;		/* NO INHERIT */
	bool		matched;
} LiveConstraint;

/* An index of a table */
typedef struct LiveIndex
{
	Oid			oid;
	char	   *name;
	bool		unique;
	bool		valid;
	char	   *method;
	char	   *columns;
	char	   *definition;		/* pg_get_indexdef(), as psql \d shows it */
	bool		matched;
} LiveIndex;

extern LiveColumn *LoadColumns(Oid relid, int natts, int *ncolumns);
extern LiveConstraint *LoadConstraints(Oid relid, int *nconstraints);
extern const char *FkActionName(char action);
extern char *ExpectedFkTriggers(Oid conoid);
extern char *FkTriggers(Oid conoid);
extern LiveIndex *LoadIndexes(Oid relid, int *nindexes);
extern char *InheritanceOf(Oid relid, bool ispartition, bool partitioned, bool hassubclass);
extern char *AclText(const Acl *acl, Oid owner);
extern char *TablePrivileges(HeapTuple reltup, Oid relid, Oid owner, int natts);
extern char *FunctionImplementation(HeapTuple tup);
extern char *FunctionSettings(HeapTuple tup);
extern int	StringCompare(const void *a, const void *b);

#endif							/* FLASHCARD_SCHEMA_CATALOG_H */
