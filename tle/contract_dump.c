/*-------------------------------------------------------------------------
 *
 * contract_dump.c
 *	  Print the schema contract (src/contract.c) as JSON, for tle/generate.
 *
 * The pg_tle flavor's SQL verify() checks the same facts as the C one.
 * Rather than parse C, this program is compiled with src/contract.c itself
 * (the compiler expands its macros), so the SQL flavor reads the very
 * declaration the C library is built from.  A frontend program: it uses
 * only the data and the server headers' constants.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdio.h>

#include "catalog/pg_constraint.h"
#include "utils/acl.h"

#include "contract.h"

/* Plain stdio: this program links no libpgport */
#undef printf
#undef fprintf

/* Print a C string as a JSON string, or null */
static void
json_string(const char *s)
{
	if (s == NULL)
	{
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const char *p = s; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if ((unsigned char) *p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* The SQL privilege names of AclMode bits, as makeaclitem() takes them */
static void
json_privileges(uint64 bits)
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

	putchar('"');
	for (int i = 0; i < (int) lengthof(names); i++)
	{
		if (bits & names[i].bit)
		{
			printf("%s%s", first ? "" : ",", names[i].name);
			first = false;
		}
	}
	putchar('"');
}

/* Print the "until" of a fact: null for STILL */
static void
json_until(int until)
{
	if (until == STILL)
		fputs("null", stdout);
	else
		printf("%d", until);
}

/*
 * Refuse a fact that ends, of a kind whose "until" this dump does not carry
 * yet (the SQL verify() would check it in every later revision)
 */
static void
require_still(const char *kind, int n, const int *untils, size_t stride)
{
	for (int i = 0; i < n; i++)
	{
		int			until = *(const int *) ((const char *) untils + i * stride);

		if (until != STILL)
		{
			fprintf(stderr, "contract_dump: a fact of %s ends (until %s); the pg_tle flavor does not "
					"carry the until of %s yet\n", kind, contract_versions[until], kind);
			exit(1);
		}
	}
}

/*
 * Refuse a kind of fact the SQL verify() does not check yet (it expects
 * every table's row security disabled, and no policy)
 */
static void
require_none(const char *kind, int n)
{
	if (n > 0)
	{
		fprintf(stderr, "contract_dump: contract/%s.tsv has %d fact%s; the pg_tle flavor does not "
				"check %s yet\n", kind, n, n == 1 ? "" : "s", kind);
		exit(1);
	}
}

/* Print every array of the contract as one JSON object */
int
main(void)
{
	require_still("labels", contract_nlabels, &contract_labels[0].until, sizeof(ContractLabel));
	require_still("tables", contract_ntables, &contract_tables[0].until, sizeof(ContractTable));
	require_still("constraints", contract_nconstraints, &contract_constraints[0].until,
				  sizeof(ContractConstraint));
	require_still("indexes", contract_nindexes, &contract_indexes[0].until, sizeof(ContractIndex));
	require_still("distribution", contract_ndistribution, &contract_distribution[0].until,
				  sizeof(ContractDistribution));
	require_none("row_security", contract_nrow_security);
	require_none("policies", contract_npolicies);
	printf("{\"versions\": [");
	for (int i = 0; i < contract_nversions; i++)
	{
		printf("%s", i ? ", " : "");
		json_string(contract_versions[i]);
	}
	printf("],\n\"labels\": [");
	for (int i = 0; i < contract_nlabels; i++)
	{
		printf("%s\n [%d, ", i ? "," : "", contract_labels[i].since);
		json_string(contract_labels[i].type);
		printf(", ");
		json_string(contract_labels[i].label);
		printf("]");
	}
	printf("],\n\"tables\": [");
	for (int i = 0; i < contract_ntables; i++)
	{
		printf("%s\n [%d, ", i ? "," : "", contract_tables[i].since);
		json_string(contract_tables[i].name);
		printf("]");
	}
	printf("],\n\"columns\": [");
	for (int i = 0; i < contract_ncolumns; i++)
	{
		const ContractColumn *c = &contract_columns[i];

		printf("%s\n [%d, ", i ? "," : "", c->since);
		json_until(c->until);
		printf(", ");
		json_string(c->table);
		printf(", ");
		json_string(c->name);
		printf(", ");
		json_string(c->type);
		printf(", %s, ", c->notnull ? "true" : "false");
		json_string(c->defval);
		printf(", ");
		json_string(c->comment);
		printf("]");
	}
	printf("],\n\"constraints\": [");
	for (int i = 0; i < contract_nconstraints; i++)
	{
		const ContractConstraint *c = &contract_constraints[i];
		char		contype[2] = {c->contype, '\0'};

		printf("%s\n [%d, ", i ? "," : "", c->since);
		json_string(c->table);
		printf(", ");
		json_string(c->name);
		printf(", ");
		json_string(contype);
		printf(", ");
		json_string(c->columns);
		printf(", ");
		json_string(c->reftable);
		printf(", ");
		json_string(c->refcolumns);
		printf(", ");
		json_string(c->on_delete);
		printf("]");
	}
	printf("],\n\"indexes\": [");
	for (int i = 0; i < contract_nindexes; i++)
	{
		const ContractIndex *c = &contract_indexes[i];

		printf("%s\n [%d, ", i ? "," : "", c->since);
		json_string(c->table);
		printf(", ");
		json_string(c->name);
		printf(", %s, ", c->unique ? "true" : "false");
		json_string(c->method);
		printf(", ");
		json_string(c->columns);
		printf("]");
	}
	printf("],\n\"table_grants\": [");
	for (int i = 0; i < contract_ntable_grants; i++)
	{
		const ContractTableGrant *g = &contract_table_grants[i];

		printf("%s\n [%d, ", i ? "," : "", g->since);
		json_until(g->until);
		printf(", ");
		json_string(g->grantee);
		printf(", ");
		json_privileges(g->privileges);
		printf("]");
	}
	printf("],\n\"functions\": [");
	for (int i = 0; i < contract_nfunctions; i++)
	{
		const ContractFunction *f = &contract_functions[i];

		printf("%s\n [%d, ", i ? "," : "", f->since);
		json_until(f->until);
		printf(", ");
		json_string(f->name);
		printf(", ");
		json_string(f->arguments);
		printf(", ");
		json_string(f->result);
		printf(", ");
		json_string(f->implementation);
		printf("]");
	}
	printf("],\n\"function_settings\": [");
	for (int i = 0; i < contract_nfunction_settings; i++)
	{
		const ContractFunctionSetting *s = &contract_function_settings[i];

		printf("%s\n [%d, ", i ? "," : "", s->since);
		json_until(s->until);
		printf(", ");
		json_string(s->setting);
		printf("]");
	}
	printf("],\n\"event_triggers\": [");
	for (int i = 0; i < contract_nevent_triggers; i++)
	{
		const ContractEventTrigger *e = &contract_event_triggers[i];
		char		enabled[2] = {e->enabled, '\0'};

		printf("%s\n [%d, ", i ? "," : "", e->since);
		json_until(e->until);
		printf(", ");
		json_string(e->name);
		printf(", ");
		json_string(e->event);
		printf(", ");
		json_string(enabled);
		printf("]");
	}
	printf("]}\n");
	return 0;
}
