/*-------------------------------------------------------------------------
 *
 * contract.c
 *	  The schema contract (shared/schema-contract.md) as static data.
 *
 * Every fact names the first revision that has it.  A new revision adds
 * its version to contract_versions and its facts with that index; a column
 * that a revision changes ends its old fact with "until" (the last revision
 * that has it) and starts a new one.  Types are spelled
 * as format_type() prints them, defaults as pg_get_expr() deparses them,
 * so that expected and actual read the same way psql \d shows them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_constraint.h"
#include "utils/acl.h"

#include "contract.h"

/* Revisions in release order; the last one is the control file's default */
const char *const contract_versions[] = {"1.0", "1.1", "1.2", "1.3", "1.4"};
const int	contract_nversions = lengthof(contract_versions);

#define R1_0 0
#define R1_1 1
#define R1_2 2
#define R1_3 3
#define R1_4 4

const ContractLabel contract_labels[] = {
	{R1_0, "decklevel", "A1"},
	{R1_0, "decklevel", "A2"},
	{R1_0, "decklevel", "B1"},
	{R1_0, "decklevel", "B2"},
	{R1_2, "decklevel", "C1"},
	{R1_2, "decklevel", "C2"},
	{R1_0, "carddifficulty", "EASY"},
	{R1_0, "carddifficulty", "MEDIUM"},
	{R1_0, "carddifficulty", "HARD"},
	{R1_0, "cardstatus", "NEW"},
	{R1_0, "cardstatus", "LEARNING"},
	{R1_0, "cardstatus", "REVIEW"},
	{R1_0, "cardstatus", "RELEARNING"},
	{R1_0, "cardstatus", "MASTERED"},
	{R1_0, "reviewrating", "AGAIN"},
	{R1_0, "reviewrating", "HARD"},
	{R1_0, "reviewrating", "GOOD"},
	{R1_0, "reviewrating", "EASY"},
};
const int	contract_nlabels = lengthof(contract_labels);

const ContractTable contract_tables[] = {
	{R1_0, "users"},
	{R1_0, "user_settings"},
	{R1_0, "refresh_tokens"},
	{R1_0, "decks"},
	{R1_0, "cards"},
	{R1_0, "user_deck_progress"},
	{R1_0, "card_statistics"},
	{R1_0, "reviews"},
};
const int	contract_ntables = lengthof(contract_tables);

#define TSTZ "timestamp with time zone"
#define VARCHAR255 "character varying(255)"

/* Every table starts with its uuid key ... */
#define ID_COLUMN(t) \
	{R1_0, STILL, t, "id", "uuid", true, "gen_random_uuid()", NULL}
/* ... and ends (in 1.0) with the two audit timestamps */
#define TIMESTAMP_COLUMNS(t) \
	{R1_0, STILL, t, "created_at", TSTZ, true, "now()", "Timestamp when record was created"}, \
	{R1_0, STILL, t, "updated_at", TSTZ, true, "now()", "Timestamp when record was last updated"}

const ContractColumn contract_columns[] = {
	ID_COLUMN("users"),
	{R1_0, STILL, "users", "email", VARCHAR255, true, NULL, NULL},
	{R1_0, STILL, "users", "password_hash", VARCHAR255, false, NULL, NULL},
	{R1_0, STILL, "users", "full_name", VARCHAR255, false, NULL, NULL},
	{R1_0, STILL, "users", "is_active", "boolean", true, "true", NULL},
	{R1_0, STILL, "users", "is_superuser", "boolean", true, "false", NULL},
	{R1_0, STILL, "users", "email_verified_at", TSTZ, false, NULL, NULL},
	{R1_0, STILL, "users", "google_id", VARCHAR255, false, NULL, NULL},
	TIMESTAMP_COLUMNS("users"),
	{R1_1, STILL, "users", "last_login_at", TSTZ, false, NULL, "Timestamp of last successful login"},
	{R1_1, STILL, "users", "last_login_ip", "character varying(45)", false, NULL, "IP address of last successful login"},
	/* 1.4: the application's migrations of 2026-01-08 and 2026-01-20 */
	{R1_4, STILL, "users", "auth0_id", VARCHAR255, false, NULL, "Auth0 user identifier (sub claim)"},
	{R1_4, STILL, "users", "avatar_url", "character varying(500)", false, NULL,
	"S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)"},

	ID_COLUMN("user_settings"),
	{R1_0, STILL, "user_settings", "user_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "user_settings", "daily_goal", "integer", true, "20", NULL},
	{R1_0, STILL, "user_settings", "email_notifications", "boolean", true, "true", NULL},
	TIMESTAMP_COLUMNS("user_settings"),
	/* 1.4: the application's migrations of 2025-12-19 and 2026-01-13 */
	{R1_4, STILL, "user_settings", "preferred_language", "character varying(10)", false, NULL,
	"ISO 639-1 language code (e.g., 'en', 'el')"},
	{R1_4, STILL, "user_settings", "theme", "character varying(10)", false, NULL,
	"User's preferred theme: 'light' or 'dark'"},

	ID_COLUMN("refresh_tokens"),
	{R1_0, STILL, "refresh_tokens", "user_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "refresh_tokens", "token", "character varying(500)", true, NULL, NULL},
	{R1_0, STILL, "refresh_tokens", "expires_at", TSTZ, true, NULL, NULL},
	TIMESTAMP_COLUMNS("refresh_tokens"),

	ID_COLUMN("decks"),
	{R1_0, STILL, "decks", "name", VARCHAR255, true, NULL, NULL},
	{R1_0, STILL, "decks", "description", "text", false, NULL, NULL},
	{R1_0, STILL, "decks", "level", "decklevel", true, NULL, NULL},
	{R1_0, STILL, "decks", "is_active", "boolean", true, "true", NULL},
	TIMESTAMP_COLUMNS("decks"),
	/* 1.4: the application's migrations of 2026-01-15 and 2026-01-16 */
	{R1_4, STILL, "decks", "is_premium", "boolean", true, "false", "Premium decks require a subscription to access"},
	{R1_4, STILL, "decks", "owner_id", "uuid", false, NULL,
	"Owner user ID (NULL for system decks, UUID for user-created decks)"},

	ID_COLUMN("cards"),
	{R1_0, STILL, "cards", "deck_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "cards", "front_text", "text", true, NULL, NULL},
	{R1_0, STILL, "cards", "back_text", "text", true, NULL, NULL},
	{R1_0, STILL, "cards", "example_sentence", "text", false, NULL, NULL},
	{R1_0, STILL, "cards", "pronunciation", VARCHAR255, false, NULL, NULL},
	{R1_0, STILL, "cards", "difficulty", "carddifficulty", true, "'MEDIUM'::carddifficulty", NULL},
	{R1_0, STILL, "cards", "order_index", "integer", true, "0", NULL},
	TIMESTAMP_COLUMNS("cards"),

	ID_COLUMN("user_deck_progress"),
	{R1_0, STILL, "user_deck_progress", "user_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "user_deck_progress", "deck_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "user_deck_progress", "cards_studied", "integer", true, "0", NULL},
	{R1_0, STILL, "user_deck_progress", "cards_mastered", "integer", true, "0", NULL},
	{R1_0, STILL, "user_deck_progress", "last_studied_at", TSTZ, false, NULL, NULL},
	TIMESTAMP_COLUMNS("user_deck_progress"),

	ID_COLUMN("card_statistics"),
	{R1_0, STILL, "card_statistics", "user_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "card_statistics", "card_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "card_statistics", "easiness_factor", "double precision", true, "2.5", NULL},
	{R1_0, STILL, "card_statistics", "interval", "integer", true, "0", NULL},
	{R1_0, STILL, "card_statistics", "repetitions", "integer", true, "0", NULL},
	{R1_0, STILL, "card_statistics", "next_review_date", "date", true, "CURRENT_DATE", NULL},
	{R1_0, STILL, "card_statistics", "status", "cardstatus", true, "'NEW'::cardstatus", NULL},
	TIMESTAMP_COLUMNS("card_statistics"),

	ID_COLUMN("reviews"),
	{R1_0, STILL, "reviews", "user_id", "uuid", true, NULL, NULL},
	{R1_0, STILL, "reviews", "card_id", "uuid", true, NULL, NULL},
	{R1_0, R1_2, "reviews", "quality", "reviewrating", true, NULL, NULL},
	/* 1.3: the SM-2 score 0-5 the application writes (AGAIN..EASY became 1..4) */
	{R1_3, STILL, "reviews", "quality", "integer", true, NULL, NULL},
	{R1_0, STILL, "reviews", "time_taken", "integer", true, NULL, NULL},
	{R1_0, STILL, "reviews", "reviewed_at", TSTZ, true, "now()", NULL},
	TIMESTAMP_COLUMNS("reviews"),
};
const int	contract_ncolumns = lengthof(contract_columns);

#define PRIMARY_KEY(t) \
	{R1_0, t, t "_pkey", CONSTRAINT_PRIMARY, "(id)", NULL, NULL, NULL}
#define FOREIGN_KEY(t, col, ref) \
	{R1_0, t, t "_" col "_fkey", CONSTRAINT_FOREIGN, "(" col ")", ref, "(id)", "CASCADE"}

const ContractConstraint contract_constraints[] = {
	PRIMARY_KEY("users"),
	PRIMARY_KEY("user_settings"),
	FOREIGN_KEY("user_settings", "user_id", "users"),
	PRIMARY_KEY("refresh_tokens"),
	FOREIGN_KEY("refresh_tokens", "user_id", "users"),
	PRIMARY_KEY("decks"),
	PRIMARY_KEY("cards"),
	FOREIGN_KEY("cards", "deck_id", "decks"),
	PRIMARY_KEY("user_deck_progress"),
	FOREIGN_KEY("user_deck_progress", "user_id", "users"),
	FOREIGN_KEY("user_deck_progress", "deck_id", "decks"),
	{R1_0, "user_deck_progress", "uq_user_deck", CONSTRAINT_UNIQUE, "(user_id, deck_id)", NULL, NULL, NULL},
	PRIMARY_KEY("card_statistics"),
	FOREIGN_KEY("card_statistics", "user_id", "users"),
	FOREIGN_KEY("card_statistics", "card_id", "cards"),
	{R1_0, "card_statistics", "uq_user_card", CONSTRAINT_UNIQUE, "(user_id, card_id)", NULL, NULL, NULL},
	PRIMARY_KEY("reviews"),
	FOREIGN_KEY("reviews", "user_id", "users"),
	FOREIGN_KEY("reviews", "card_id", "cards"),
	/* 1.4: a deck's owner, named as the application's migration names it */
	{R1_4, "decks", "fk_decks_owner_id_users", CONSTRAINT_FOREIGN, "(owner_id)", "users", "(id)", "CASCADE"},
};
const int	contract_nconstraints = lengthof(contract_constraints);

/* A single-column btree index named ix_<table>_<column>, as SQLAlchemy names them */
#define INDEX(t, col, uniq) \
	{R1_0, t, "ix_" t "_" col, uniq, "btree", "(" col ")"}

const ContractIndex contract_indexes[] = {
	INDEX("users", "email", true),
	INDEX("users", "google_id", true),
	INDEX("user_settings", "user_id", true),
	INDEX("refresh_tokens", "user_id", false),
	INDEX("refresh_tokens", "token", true),
	INDEX("refresh_tokens", "expires_at", false),
	INDEX("decks", "name", false),
	INDEX("decks", "level", false),
	INDEX("decks", "is_active", false),
	INDEX("cards", "deck_id", false),
	INDEX("cards", "difficulty", false),
	INDEX("user_deck_progress", "user_id", false),
	INDEX("user_deck_progress", "deck_id", false),
	INDEX("card_statistics", "user_id", false),
	INDEX("card_statistics", "card_id", false),
	INDEX("card_statistics", "next_review_date", false),
	INDEX("card_statistics", "status", false),
	{R1_0, "card_statistics", "ix_card_statistics_user_due_cards", false, "btree",
	"(user_id, next_review_date, status)"},
	INDEX("reviews", "user_id", false),
	INDEX("reviews", "card_id", false),
	INDEX("reviews", "reviewed_at", false),
	/* 1.4 */
	{R1_4, "users", "ix_users_auth0_id", true, "btree", "(auth0_id)"},
	{R1_4, "decks", "ix_decks_is_premium", false, "btree", "(is_premium)"},
	{R1_4, "decks", "ix_decks_owner_id", false, "btree", "(owner_id)"},
};
const int	contract_nindexes = lengthof(contract_indexes);

/*
 * From 1.3 the database owner (the application's role) reads and writes
 * every row of every table; from 1.4 it may also reference them from its own
 * tables' foreign keys and TRUNCATE them.  Nothing for PUBLIC.  Before 1.3
 * only the owner.
 */
const ContractTableGrant contract_table_grants[] = {
	{R1_3, R1_3, "pg_database_owner", ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE},
	{R1_4, STILL, "pg_database_owner",
	ACL_SELECT | ACL_INSERT | ACL_UPDATE | ACL_DELETE | ACL_TRUNCATE | ACL_REFERENCES},
};
const int	contract_ntable_grants = lengthof(contract_table_grants);

/* A function of the shared library: its SQL name is its C symbol */
#define C_FUNCTION(since, until, name, args, result) \
	{since, until, name, args, result, "LANGUAGE c AS '$libdir/flashcard_schema', '" name "'"}

/*
 * The SQL entry points: extension members that verify() checks (signature,
 * implementation, SECURITY INVOKER, settings) and does not report as extra.
 * A function in another language gives its language alone as implementation:
 * {R1_3, STILL, "name", "", "event_trigger", "LANGUAGE plpgsql"}.
 */
const ContractFunction contract_functions[] = {
	C_FUNCTION(R1_0, STILL, "flashcard_schema_revision", "", "text"),
	C_FUNCTION(R1_0, R1_2, "flashcard_schema_status",
			   "OUT installed_version text, OUT library_version text, OUT default_version text, "
			   "OUT pending text[], OUT up_to_date boolean",
			   "SETOF record"),
	/* 1.3: also whether this server is a standby, and who replicates the tables */
	C_FUNCTION(R1_3, STILL, "flashcard_schema_status",
			   "OUT installed_version text, OUT library_version text, OUT default_version text, "
			   "OUT pending text[], OUT up_to_date boolean, OUT in_recovery boolean, "
			   "OUT publications text[], OUT subscriptions text[]",
			   "SETOF record"),
	C_FUNCTION(R1_0, STILL, "flashcard_schema_verify",
			   "version text DEFAULT NULL::text, OUT object_type text, OUT object_name text, "
			   "OUT check_name text, OUT ok boolean, OUT expected text, OUT actual text",
			   "SETOF record"),
	C_FUNCTION(R1_0, STILL, "flashcard_schema_assert", "", "void"),
	C_FUNCTION(R1_3, STILL, "flashcard_schema_drop_guard", "", "event_trigger"),
	C_FUNCTION(R1_3, STILL, "flashcard_schema_distribute", "shard_count integer DEFAULT 32", "void"),
};
const int	contract_nfunctions = lengthof(contract_functions);

/* Each function resolves names in a fixed path; from 1.3 pg_temp comes last */
const ContractFunctionSetting contract_function_settings[] = {
	{R1_0, R1_2, "search_path=pg_catalog, @extschema@"},
	{R1_3, STILL, "search_path=pg_catalog, @extschema@, pg_temp"},
};
const int	contract_nfunction_settings = lengthof(contract_function_settings);

/*
 * The distributed layout (Citus, since 1.3).  The learner's own rows
 * (statistics, reviews, progress) grow with learners x cards and without
 * end: they are spread over the shards by user_id, colocated, so that one
 * learner's due cards are one shard's query; their primary keys must then
 * include user_id, which Citus requires of every unique constraint.  The
 * tables they reference, and those read with a learner's every request,
 * are small or per-learner singletons: reference tables, on every node, so
 * every join and foreign key stays local to a shard.
 */
#define REFERENCE(t) {R1_3, t, NULL, NULL}
#define BY_USER(t) {R1_3, t, "user_id", "(id, user_id)"}

const ContractDistribution contract_distribution[] = {
	REFERENCE("users"),
	REFERENCE("decks"),
	REFERENCE("user_settings"),
	REFERENCE("refresh_tokens"),
	REFERENCE("cards"),
	BY_USER("card_statistics"),
	BY_USER("reviews"),
	BY_USER("user_deck_progress"),
};
const int	contract_ndistribution = lengthof(contract_distribution);

/* Event triggers: extension members that verify() does not report as extra */
const ContractEventTrigger contract_event_triggers[] = {
	{R1_3, R1_3, "flashcard_schema_drop_guard", "ddl_command_start", 'O'},
	/* 1.4: on every DDL command, backed at sql_drop; both whatever the replication role */
	{R1_4, STILL, "flashcard_schema_drop_guard", "ddl_command_start", 'A'},
	{R1_4, STILL, "flashcard_schema_drop_backstop", "sql_drop", 'A'},
};
const int	contract_nevent_triggers = lengthof(contract_event_triggers);

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
