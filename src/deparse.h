/*-------------------------------------------------------------------------
 *
 * deparse.h
 *	  Definitions spelled as the server's deparsers spell them, from the
 *	  catalogs alone (never opening a table).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_DEPARSE_H
#define FLASHCARD_SCHEMA_DEPARSE_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "nodes/nodes.h"

/* A table named as the server's deparsing names it: qualified only when hidden */
extern char *TableRef(Oid relid, const char *name);

/* How a trigger fires, as psql's \d groups them; "" when it fires normally */
extern const char *TriggerStateName(char tgenabled);

/* "(a, b)" for the columns numbered in an int2 array of a relation */
extern char *ColumnList(Oid relid, Datum attnums);

/* An expression over a relation's columns, as ruleutils.c deparses it */
extern char *DeparseExpr(Node *expr, Oid relid, const char *const *refnames,
						 int nrefs, bool pretty);

/* DeparseExpr() for an expression over one table, named as itself */
extern char *DeparseTableExpr(Node *expr, Oid relid, bool pretty);

/* An index's definition as pg_get_indexdef() spells it */
extern char *IndexDef(Oid indexrelid, const Oid *excludeOps, bool pretty);

/* A constraint's definition as pg_get_constraintdef() spells it */
extern char *ConstraintDef(Oid conoid);

/* A trigger as psql \d lists it (pg_get_triggerdef(oid, true) and its state) */
extern char *TriggerDef(HeapTuple tup, TupleDesc desc);

#endif							/* FLASHCARD_SCHEMA_DEPARSE_H */
