/*
 * dump_contract.c
 *	  Print the contract compiled into a contract.c as the declaration's
 *	  tab-separated files (one-shot converter, and the proof that the
 *	  generated arrays equal the hand-written ones).
 *
 * Build against the contract.c to convert (contract.h beside it):
 *   cc -I$(pg_config --includedir-server) -Isrc contract/dump_contract.c \
 *      src/contract.c -o dump_contract && ./dump_contract DIR
 */
#include "postgres.h"

#include "catalog/pg_constraint.h"
#include "utils/acl.h"

#include "contract.h"

#include <stdio.h>

/* A frontend program without libpgport: the C library's printf family */
#undef snprintf
#undef fprintf

/* Print a string field: \N for NULL */
static void
str(FILE *f, const char *s)
{
	fputc('\t', f);
	fputs(s ? s : "\\N", f);
}

/* Print the since and until of a fact */
static void
bounds(FILE *f, int since, int until)
{
	fputs(contract_versions[since], f);
	fputc('\t', f);
	fputs(until == STILL ? "\\N" : contract_versions[until], f);
}

/* Open DIR/name.tsv and write its header */
static FILE *
open_kind(const char *dir, const char *name, const char *header)
{
	char		path[1024];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s.tsv", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	fprintf(f, "since\tuntil\t%s\n", header);
	return f;
}

/* Print AclMode bits as privilege names */
static void
privileges(FILE *f, uint64 bits)
{
	static const struct
	{
		uint64		bit;
		const char *name;
	}			names[] = {
		{ACL_SELECT, "SELECT"}, {ACL_INSERT, "INSERT"}, {ACL_UPDATE, "UPDATE"},
		{ACL_DELETE, "DELETE"}, {ACL_TRUNCATE, "TRUNCATE"},
		{ACL_REFERENCES, "REFERENCES"}, {ACL_TRIGGER, "TRIGGER"},
	};
	bool		first = true;

	fputc('\t', f);
	for (int i = 0; i < (int) lengthof(names); i++)
		if (bits & names[i].bit)
		{
			fprintf(f, "%s%s", first ? "" : ",", names[i].name);
			first = false;
		}
}

/*
 * The until of a fact whose kind had no until before the declaration: to
 * convert a contract.c of that time, compile with -D<KIND>_SINCE_ONLY for
 * each such kind (-DSINCE_ONLY for all of them).
 */
#ifdef SINCE_ONLY
#define LABELS_SINCE_ONLY
#define TABLES_SINCE_ONLY
#define CONSTRAINTS_SINCE_ONLY
#define INDEXES_SINCE_ONLY
#define DISTRIBUTION_SINCE_ONLY
#define EVENT_TRIGGERS_SINCE_ONLY
#endif
#define UNTIL_(fact) ((fact)->until)
#define SINCE_ONLY_(fact) STILL
#ifdef LABELS_SINCE_ONLY
#define UNTIL_LABELS SINCE_ONLY_
#else
#define UNTIL_LABELS UNTIL_
#endif
#ifdef TABLES_SINCE_ONLY
#define UNTIL_TABLES SINCE_ONLY_
#else
#define UNTIL_TABLES UNTIL_
#endif
#ifdef CONSTRAINTS_SINCE_ONLY
#define UNTIL_CONSTRAINTS SINCE_ONLY_
#else
#define UNTIL_CONSTRAINTS UNTIL_
#endif
#ifdef INDEXES_SINCE_ONLY
#define UNTIL_INDEXES SINCE_ONLY_
#else
#define UNTIL_INDEXES UNTIL_
#endif
#ifdef DISTRIBUTION_SINCE_ONLY
#define UNTIL_DISTRIBUTION SINCE_ONLY_
#else
#define UNTIL_DISTRIBUTION UNTIL_
#endif
#ifdef EVENT_TRIGGERS_SINCE_ONLY
#define UNTIL_EVENT_TRIGGERS SINCE_ONLY_
#else
#define UNTIL_EVENT_TRIGGERS UNTIL_
#endif

/* Write each kind of fact to DIR/<kind>.tsv */
int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	FILE	   *f;

	f = open_kind(dir, "revisions", "version");
	fclose(f);
	/* revisions.tsv is a plain list: rewrite it without the bounds */
	{
		char		path[1024];

		snprintf(path, sizeof(path), "%s/revisions.tsv", dir);
		f = fopen(path, "w");
		fputs("version\n", f);
		for (int i = 0; i < contract_nversions; i++)
			fprintf(f, "%s\n", contract_versions[i]);
		fclose(f);
	}

	f = open_kind(dir, "labels", "type\tlabel");
	for (int i = 0; i < contract_nlabels; i++)
	{
		const ContractLabel *x = &contract_labels[i];

		bounds(f, x->since, UNTIL_LABELS(x));
		str(f, x->type);
		str(f, x->label);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "tables", "name");
	for (int i = 0; i < contract_ntables; i++)
	{
		const ContractTable *x = &contract_tables[i];

		bounds(f, x->since, UNTIL_TABLES(x));
		str(f, x->name);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "columns", "table\tname\ttype\tnotnull\tdefval\tcomment");
	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *x = &contract_columns[i];

		bounds(f, x->since, x->until);
		str(f, x->table);
		str(f, x->name);
		str(f, x->type);
		str(f, x->notnull ? "true" : "false");
		str(f, x->defval);
		str(f, x->comment);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "constraints", "table\tname\tcontype\tcolumns\treftable\trefcolumns\ton_delete");
	for (int i = 0; i < contract_nconstraints; i++)
	{
		const ContractConstraint *x = &contract_constraints[i];
		char		contype[2] = {x->contype, '\0'};

		bounds(f, x->since, UNTIL_CONSTRAINTS(x));
		str(f, x->table);
		str(f, x->name);
		str(f, contype);
		str(f, x->columns);
		str(f, x->reftable);
		str(f, x->refcolumns);
		str(f, x->on_delete);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "indexes", "table\tname\tunique\tmethod\tcolumns");
	for (int i = 0; i < contract_nindexes; i++)
	{
		const ContractIndex *x = &contract_indexes[i];

		bounds(f, x->since, UNTIL_INDEXES(x));
		str(f, x->table);
		str(f, x->name);
		str(f, x->unique ? "true" : "false");
		str(f, x->method);
		str(f, x->columns);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "table_grants", "grantee\tprivileges");
	for (int i = 0; i < contract_ntable_grants; i++)
	{
		const ContractTableGrant *x = &contract_table_grants[i];

		bounds(f, x->since, x->until);
		str(f, x->grantee);
		privileges(f, x->privileges);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "functions", "name\targuments\tresult\timplementation");
	for (int i = 0; i < contract_nfunctions; i++)
	{
		const ContractFunction *x = &contract_functions[i];

		bounds(f, x->since, x->until);
		str(f, x->name);
		str(f, x->arguments);
		str(f, x->result);
		str(f, x->implementation);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "function_settings", "setting");
	for (int i = 0; i < contract_nfunction_settings; i++)
	{
		const ContractFunctionSetting *x = &contract_function_settings[i];

		bounds(f, x->since, x->until);
		str(f, x->setting);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "distribution", "table\tcolumn\tkey");
	for (int i = 0; i < contract_ndistribution; i++)
	{
		const ContractDistribution *x = &contract_distribution[i];

		bounds(f, x->since, UNTIL_DISTRIBUTION(x));
		str(f, x->table);
		str(f, x->column);
		str(f, x->key);
		fputc('\n', f);
	}
	fclose(f);

	f = open_kind(dir, "event_triggers", "name\tevent\tenabled");
	for (int i = 0; i < contract_nevent_triggers; i++)
	{
		const ContractEventTrigger *x = &contract_event_triggers[i];

		char		enabled[2] = {x->enabled, '\0'};

		bounds(f, x->since, UNTIL_EVENT_TRIGGERS(x));
		str(f, x->name);
		str(f, x->event);
		str(f, enabled);
		fputc('\n', f);
	}
	fclose(f);
	return 0;
}
