/*-------------------------------------------------------------------------
 *
 * contract.c
 *	  Looking up revisions of the schema contract.
 *
 * The contract itself (contract_versions[] and every kind of fact) is
 * declared in contract/<kind>.tsv and generated into src/contract_data.c at
 * build time by contract/gen_contract.pl; see docs/adding-a-revision.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "contract.h"
#include "contract_revisions.h"

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
