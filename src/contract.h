/*-------------------------------------------------------------------------
 *
 * contract.h
 *	  The expected schema of every released flashcard_schema revision.
 *
 * The data behind these declarations is generated at build time
 * (src/contract_data.c, by contract/gen_contract.pl) from the declaration in
 * contract/<kind>.tsv, the one home of the schema contract: each fact carries the
 * first and the last revision that has it, so the schema of revision N is
 * every fact with since <= N <= until (CONTRACT_IN).  A change is one fact
 * ending and another beginning.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FLASHCARD_SCHEMA_CONTRACT_H
#define FLASHCARD_SCHEMA_CONTRACT_H

/* The "until" of a fact that no revision has replaced */
#define STILL PG_INT32_MAX

/*
 * Whether a fact belongs to a revision: the one test of it (every kind of
 * fact has since and until)
 */
#define CONTRACT_IN(fact, revision) \
	((fact)->since <= (revision) && (revision) <= (fact)->until)

/* An enum label, in sort order within its type */
typedef struct ContractLabel
{
	int			since;			/* index into contract_versions: first revision */
	int			until;			/* last revision with this fact, or STILL */
	const char *type;
	const char *label;
} ContractLabel;

/* A table of the extension */
typedef struct ContractTable
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *name;
} ContractTable;

/* A column, in position order within its table */
typedef struct ContractColumn
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *table;
	const char *name;
	const char *type;			/* format_type() spelling */
	bool		notnull;
	const char *defval;			/* deparsed default, or NULL */
	const char *comment;		/* column comment, or NULL */
} ContractColumn;

/* A table constraint: primary key, unique or foreign key */
typedef struct ContractConstraint
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *table;
	const char *name;
	char		contype;		/* CONSTRAINT_PRIMARY, _UNIQUE or _FOREIGN */
	const char *columns;		/* "(user_id, deck_id)" */
	const char *reftable;		/* "users" for a foreign key, else NULL */
	const char *refcolumns;		/* "(id)" for a foreign key, else NULL */
	const char *on_delete;		/* "CASCADE" for a foreign key, else NULL */
} ContractConstraint;

/* A plain index (those behind constraints are checked with the constraint) */
typedef struct ContractIndex
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *table;
	const char *name;
	bool		unique;
	const char *method;
	const char *columns;		/* "(user_id, next_review_date, status)" */
} ContractIndex;

/* A function the extension provides (its API, not part of the schema contract) */
typedef struct ContractFunction
{
	int			since;
	int			until;			/* last revision with this signature, or STILL */
	const char *name;
	const char *arguments;		/* pg_get_function_arguments() spelling */
	const char *result;			/* pg_get_function_result() spelling */
	const char *implementation; /* "LANGUAGE c AS 'file', 'symbol'", or the language */
} ContractFunction;

/* A setting every function of the extension is created with (SET ...) */
typedef struct ContractFunctionSetting
{
	int			since;
	int			until;
	const char *setting;		/* as in pg_proc.proconfig; @extschema@ stands for the schema */
} ContractFunctionSetting;

/* Privileges the scripts grant on every table (by the table owner) */
typedef struct ContractTableGrant
{
	int			since;
	int			until;
	const char *grantee;		/* a role name */
	uint64		privileges;		/* AclMode bits: ACL_SELECT | ... */
} ContractTableGrant;

/*
 * An event trigger the extension provides (the DROP guard since 1.3; from
 * 1.4 it fires on every DDL command and in every session_replication_role,
 * backed by a second one on sql_drop that sees what was actually dropped)
 */
typedef struct ContractEventTrigger
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *name;
	const char *event;			/* "ddl_command_start" or "sql_drop" */
	char		enabled;		/* pg_event_trigger.evtenabled: 'O' or 'A' */
} ContractEventTrigger;

/*
 * How a table is laid out on a Citus cluster once flashcard_schema_distribute()
 * has run (since 1.3): a reference table (a copy on every node) or a table
 * hash-distributed on a column, with a primary key that includes it.  In
 * the order distribute() lays them out: referenced tables before the tables
 * that reference them; the first distributed table anchors the colocation
 * group of the others.
 */
typedef struct ContractDistribution
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *table;
	const char *column;			/* distribution column, NULL for a reference table */
	const char *key;			/* primary key columns when distributed, "(id, user_id)" */
} ContractDistribution;

/*
 * A table with row level security enabled (ALTER TABLE ... ENABLE ROW LEVEL
 * SECURITY); a table without such a fact has it disabled
 */
typedef struct ContractRowSecurity
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *table;
	bool		forced;			/* FORCE ROW LEVEL SECURITY: the owner too */
} ContractRowSecurity;

/* A row level security policy of a table; a table has no other */
typedef struct ContractPolicy
{
	int			since;
	int			until;			/* last revision with this fact, or STILL */
	const char *table;
	const char *name;
	const char *definition;		/* as verify() prints it: POLICY "name" ... */
} ContractPolicy;

extern const char *const contract_versions[];
extern const int contract_nversions;

extern const ContractLabel contract_labels[];
extern const int contract_nlabels;
extern const ContractTable contract_tables[];
extern const int contract_ntables;
extern const ContractColumn contract_columns[];
extern const int contract_ncolumns;
extern const ContractConstraint contract_constraints[];
extern const int contract_nconstraints;
extern const ContractIndex contract_indexes[];
extern const int contract_nindexes;
extern const ContractTableGrant contract_table_grants[];
extern const int contract_ntable_grants;
extern const ContractFunction contract_functions[];
extern const int contract_nfunctions;
extern const ContractFunctionSetting contract_function_settings[];
extern const int contract_nfunction_settings;

extern const ContractDistribution contract_distribution[];
extern const int contract_ndistribution;

extern const ContractEventTrigger contract_event_triggers[];
extern const int contract_nevent_triggers;

extern const ContractRowSecurity contract_row_security[];
extern const int contract_nrow_security;
extern const ContractPolicy contract_policies[];
extern const int contract_npolicies;

extern int	ContractRevision(const char *version);

/*
 * Databases the application's own Alembic migrations made, before they were
 * under the extension (docs/adoption.md), declared in
 * contract/adopted_heads.tsv.  Each is a pseudo-revision, named
 * "alembic-<Alembic revision id>", that CREATE EXTENSION ... VERSION adopts in
 * place and that updates to its base revision.  It stands outside the linear
 * order of contract_versions[]: nothing updates or downgrades to it.  Its
 * contract is its base revision's, less what the application's migrations
 * never made (contract/adoption_differences.tsv, the contract's "accepted
 * differences").  verify() numbers it ALEMBIC_REVISION(index), above every
 * revision, and checks it as its base with those differences applied.
 */
typedef struct ContractAlembic
{
	int			since;			/* the revisions whose library knows the head */
	int			until;
	const char *version;		/* "alembic-d606f59197e7" */
	int			base;			/* index into contract_versions */
} ContractAlembic;

/* What a database of the application's migrations has instead of the contract's */
typedef enum ContractAlembicKind
{
	ALEMBIC_DEFAULT,			/* column "table.name" has default "value" (NULL: none) */
	ALEMBIC_NO_LABEL,			/* enum "table" lacks label "name" */
	ALEMBIC_NO_TYPE,			/* enum "table" does not exist */
	ALEMBIC_NO_INDEX			/* index "name" of "table" does not exist */
} ContractAlembicKind;

typedef struct ContractAlembicDifference
{
	int			since;			/* the base revisions it applies to */
	int			until;
	ContractAlembicKind kind;
	const char *table;			/* or type */
	const char *name;			/* column, label or index; NULL for a type */
	const char *value;			/* ALEMBIC_DEFAULT: the migrations' default, or NULL */
} ContractAlembicDifference;

/* verify()'s number for the index-th pseudo-revision: above every revision */
#define ALEMBIC_REVISIONS 1000
#define ALEMBIC_REVISION(index) (ALEMBIC_REVISIONS + (index))
#define IS_ALEMBIC_REVISION(revision) ((revision) >= ALEMBIC_REVISIONS)

extern const ContractAlembic contract_adopted_heads[];
extern const int contract_nadopted_heads;
extern const ContractAlembicDifference contract_adoption_differences[];
extern const int contract_nadoption_differences;

extern int	ContractAlembicRevision(const char *version);
extern const ContractAlembicDifference *ContractAlembicDifferenceOf(int base,
																	 ContractAlembicKind kind,
																	 const char *table,
																	 const char *name);

#endif							/* FLASHCARD_SCHEMA_CONTRACT_H */
