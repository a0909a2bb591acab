/*-------------------------------------------------------------------------
 *
 * contract.c
 *	  Looking up revisions of the schema contract.
 *
 * The contract itself (contract_versions[], every kind of fact and the
 * adopted Alembic heads) is declared in contract/<kind>.tsv and generated into src/contract_data.c at
 * build time by contract/gen_contract.pl; see docs/adding-a-revision.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "contract.h"

/* Index of a version in the contract, or -1 if this library does not know it */
int
ContractRevision(const char *version)
{
	for (int i = 0; i < contract_nversions; i++)
	{
		if (strcmp(contract_versions[i], version) == 0)
			return i;
	}
	return -1;
}

/* verify()'s number for a pseudo-revision, or -1 if this library does not know it */
int
ContractAlembicRevision(const char *version)
{
	for (int i = 0; i < contract_nadopted_heads; i++)
	{
		if (strcmp(contract_adopted_heads[i].version, version) == 0)
			return ALEMBIC_REVISION(i);
	}
	return -1;
}

/* A pseudo-revision's difference of this kind for this object (by its base), or NULL */
const ContractAlembicDifference *
ContractAlembicDifferenceOf(int base, ContractAlembicKind kind, const char *table, const char *name)
{
	for (int i = 0; i < contract_nadoption_differences; i++)
	{
		const ContractAlembicDifference *d = &contract_adoption_differences[i];

		if (CONTRACT_IN(d, base) && d->kind == kind && strcmp(d->table, table) == 0 &&
			(name == NULL || (d->name != NULL && strcmp(d->name, name) == 0)))
			return d;
	}
	return NULL;
}
