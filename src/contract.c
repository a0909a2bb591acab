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

/*
 * The application's Alembic databases (contract.h, "pseudo-revisions").
 * d606f59197e7 is the app's head at the seed's time: revision 1.3's tables
 * (quality already integer, C1/C2, last_login_* after updated_at);
 * 037928b86d1e its head of 2026-01-20: 1.4's (its six January columns).
 */
const ContractAlembic contract_alembic[] = {
	{"alembic-d606f59197e7", R1_3},
	{"alembic-037928b86d1e", R1_4},
};
const int	contract_nalembic = lengthof(contract_alembic);

#define ALEMBIC_ID(t) {ALEMBIC_DEFAULT, t, "id", "uuid_generate_v4()"}
#define ALEMBIC_PYTHON_DEFAULT(t, col) {ALEMBIC_DEFAULT, t, col, NULL}

/*
 * What the application's migrations made differently from the contract (its
 * "accepted differences"): ids from uuid-ossp, no server default where the
 * models give one only in Python, no RELEARNING, no reviewrating, no
 * due-cards index.  The same in every pseudo-revision.
 */
const ContractAlembicDifference contract_alembic_differences[] = {
	ALEMBIC_ID("users"),
	ALEMBIC_ID("user_settings"),
	ALEMBIC_ID("refresh_tokens"),
	ALEMBIC_ID("decks"),
	ALEMBIC_ID("cards"),
	ALEMBIC_ID("user_deck_progress"),
	ALEMBIC_ID("card_statistics"),
	ALEMBIC_ID("reviews"),
	ALEMBIC_PYTHON_DEFAULT("users", "is_active"),
	ALEMBIC_PYTHON_DEFAULT("users", "is_superuser"),
	ALEMBIC_PYTHON_DEFAULT("user_settings", "daily_goal"),
	ALEMBIC_PYTHON_DEFAULT("user_settings", "email_notifications"),
	ALEMBIC_PYTHON_DEFAULT("decks", "is_active"),
	ALEMBIC_PYTHON_DEFAULT("cards", "difficulty"),
	ALEMBIC_PYTHON_DEFAULT("cards", "order_index"),
	ALEMBIC_PYTHON_DEFAULT("user_deck_progress", "cards_studied"),
	ALEMBIC_PYTHON_DEFAULT("user_deck_progress", "cards_mastered"),
	ALEMBIC_PYTHON_DEFAULT("card_statistics", "easiness_factor"),
	ALEMBIC_PYTHON_DEFAULT("card_statistics", "interval"),
	ALEMBIC_PYTHON_DEFAULT("card_statistics", "repetitions"),
	ALEMBIC_PYTHON_DEFAULT("card_statistics", "status"),
	{ALEMBIC_NO_LABEL, "cardstatus", "RELEARNING", NULL},
	{ALEMBIC_NO_TYPE, "reviewrating", NULL, NULL},
	{ALEMBIC_NO_INDEX, "card_statistics", "ix_card_statistics_user_due_cards", NULL},
};
const int	contract_nalembic_differences = lengthof(contract_alembic_differences);

/* verify()'s number for a pseudo-revision, or -1 if this library does not know it */
int
ContractAlembicRevision(const char *version)
{
	for (int i = 0; i < contract_nalembic; i++)
	{
		if (strcmp(contract_alembic[i].version, version) == 0)
			return ALEMBIC_REVISION(i);
	}
	return -1;
}

/* The pseudo-revisions' difference of this kind for this object, or NULL */
const ContractAlembicDifference *
ContractAlembicDifferenceOf(ContractAlembicKind kind, const char *table, const char *name)
{
	for (int i = 0; i < contract_nalembic_differences; i++)
	{
		const ContractAlembicDifference *d = &contract_alembic_differences[i];

		if (d->kind == kind && strcmp(d->table, table) == 0 &&
			(name == NULL || (d->name != NULL && strcmp(d->name, name) == 0)))
			return d;
	}
	return NULL;
}
