#!/usr/bin/python3
"""The application's real models against CREATE EXTENSION flashcard_schema.

test/lib/models.py declares the Learn Greek Easy backend's models as the app
does (shared/app-models.md).  This runs Alembic's autogenerate comparator
(alembic.autogenerate.compare_metadata, with compare_type=True and
compare_server_default=True as the app's alembic/env.py sets them; tables,
columns, nullability, comments, indexes, unique constraints and foreign keys
are compared by default) between those models and databases built by the
extension, plus three checks Alembic does not make: enum labels, enum types
no column of the models uses, and column order.

The result must be EXACTLY the accepted differences of docs/contract.md
(listed below as data, each with its reason): one missing, one changed or
one more is a failure.  A deliberately damaged database shows that the
check can fail and names each damage.

uuid-ossp: with compare_server_default, Alembic's PostgreSQL implementation
asks the server whether two defaults agree (`SELECT gen_random_uuid() =
uuid_generate_v4()`), so comparing the app's models needs uuid-ossp in the
database, or the comparison stops with "function uuid_generate_v4() does not
exist".  The extension itself never calls it (gen_random_uuid() is core since
PostgreSQL 13): a test below shows both.  Every other database here gets
CREATE EXTENSION "uuid-ossp" after flashcard_schema, as docs/alembic.md tells
teams that run autogenerate against this schema.

Needs a running server reachable through the PG* environment variables
(pg_virtualenv sets them) as a superuser, postgresql-contrib's uuid-ossp
(part of Debian's postgresql-15), and Debian's python3-sqlalchemy,
python3-alembic and python3-psycopg2 (hence /usr/bin/python3).  Prints TAP;
creates and drops its own databases alembic_compare*.
"""

import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

try:
    import alembic
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.dialects import postgresql

    import models
    from taplib import Databases, Tap
except Exception:  # noqa: BLE001 - anything here means we cannot run at all
    print("Bail out! cannot import SQLAlchemy/Alembic/psycopg2 or test/lib/models.py "
          "(apt-get install python3-sqlalchemy python3-alembic python3-psycopg2; "
          "run with /usr/bin/python3)")
    for line in traceback.format_exc().splitlines():
        print("# " + line)
    sys.exit(255)

tap = Tap()
dbs = Databases()

COMPARE_OPTS = {
    "compare_type": True,
    "compare_server_default": True,
    # include_schemas left off (the app's default): only the default schema
}

TABLES = ("users", "user_settings", "refresh_tokens", "decks", "cards",
          "user_deck_progress", "card_statistics", "reviews")

# --------------------------------------------------------------------------
# The accepted differences (docs/contract.md, "Accepted differences"), as
# (key, detail, reason).  key/detail are what describe() below makes of a
# difference: the database side first, then the models' side.
# --------------------------------------------------------------------------

WHY_UUID = ("gen_random_uuid() is core PostgreSQL since 13; same type and "
            "behaviour (random version-4 UUIDs), no uuid-ossp extension needed")
WHY_PY_DEFAULT = ("the app sets this default in Python only; the server default "
                  "gives rows written by other clients (SQL, imports) the same value")

# The 13 columns with a Python default in the app and a server default in the
# contract: (table, column, the contract's default as PostgreSQL prints it).
PY_DEFAULTS = [
    ("users", "is_active", "true"),
    ("users", "is_superuser", "false"),
    ("user_settings", "daily_goal", "20"),
    ("user_settings", "email_notifications", "true"),
    ("decks", "is_active", "true"),
    ("cards", "difficulty", "'MEDIUM'::carddifficulty"),
    ("cards", "order_index", "0"),
    ("user_deck_progress", "cards_studied", "0"),
    ("user_deck_progress", "cards_mastered", "0"),
    ("card_statistics", "easiness_factor", "2.5"),
    ("card_statistics", "interval", "0"),
    ("card_statistics", "repetitions", "0"),
    ("card_statistics", "status", "'NEW'::cardstatus"),
]

ACCEPTED = (
    [("modify_default %s.id" % t,
      "database gen_random_uuid(), models uuid_generate_v4()", WHY_UUID)
     for t in TABLES]
    + [("modify_default %s.%s" % (t, c), "database %s, models None" % d, WHY_PY_DEFAULT)
       for t, c, d in PY_DEFAULTS]
    + [
        ("remove_index card_statistics.ix_card_statistics_user_due_cards",
         "INDEX (user_id, next_review_date, status)",
         "serves the app's 'cards due today' query; the app's last Alembic "
         "revision dropped it by accident"),
        ("enum_extra_label cardstatus.RELEARNING", "after REVIEW",
         "the seed's enum has it; the app never writes it"),
        ("type_extra reviewrating", "AGAIN, HARD, GOOD, EASY",
         "one of the seed's four enum types; no column uses it from 1.3 on"),
        ("column_order users",
         "database id, email, password_hash, full_name, is_active, is_superuser, "
         "email_verified_at, google_id, created_at, updated_at, last_login_at, "
         "last_login_ip, auth0_id, avatar_url",
         "revisions 1.1 and 1.4 appended last_login_*, auth0_id and avatar_url with "
         "ADD COLUMN, as the app's own Alembic head does; the ORM names every "
         "column, so order is invisible to it"),
        ("column_order user_settings",
         "database id, user_id, daily_goal, email_notifications, created_at, "
         "updated_at, preferred_language, theme",
         "revision 1.4 appended them with ADD COLUMN, as the app's migrations did"),
        ("column_order decks",
         "database id, name, description, level, is_active, created_at, updated_at, "
         "is_premium, owner_id",
         "revision 1.4 appended them with ADD COLUMN, as the app's migrations did"),
    ]
)

# Before 1.4: the app's six January columns (2025-12-19 to 2026-01-20), their
# indexes and key are missing, and the column order of users is the 1.1 one.
BEFORE_1_4 = [
    ("add_column users.auth0_id", "VARCHAR(255) NULL"),
    ("add_column users.avatar_url", "VARCHAR(500) NULL"),
    ("add_column user_settings.preferred_language", "VARCHAR(10) NULL"),
    ("add_column user_settings.theme", "VARCHAR(10) NULL"),
    ("add_column decks.is_premium", "BOOLEAN NOT NULL"),
    ("add_column decks.owner_id", "UUID NULL"),
    ("add_index users.ix_users_auth0_id", "UNIQUE INDEX (auth0_id)"),
    ("add_index decks.ix_decks_is_premium", "INDEX (is_premium)"),
    ("add_index decks.ix_decks_owner_id", "INDEX (owner_id)"),
    ("add_fk decks(owner_id)", "-> users.id ON DELETE CASCADE"),
]
USERS_ORDER_1_1 = ("column_order users",
                   "database id, email, password_hash, full_name, is_active, is_superuser, "
                   "email_verified_at, google_id, created_at, updated_at, last_login_at, "
                   "last_login_ip")
ORDERS_1_4 = ["column_order users", "column_order user_settings", "column_order decks"]

# What an older revision adds to / removes from the accepted differences.
OLDER = {
    "1.0": {
        "more": BEFORE_1_4 + [
            ("add_column users.last_login_at", "TIMESTAMP WITH TIME ZONE NULL"),
            ("add_column users.last_login_ip", "VARCHAR(45) NULL"),
            ("modify_type reviews.quality", "database reviewrating, models INTEGER"),
            ("enum_missing_label decklevel.C1", ""),
            ("enum_missing_label decklevel.C2", ""),
        ],
        # without the last_login_* columns the common columns are in order
        "less": ORDERS_1_4,
    },
    "1.2": {
        "more": BEFORE_1_4 + [USERS_ORDER_1_1,
                              ("modify_type reviews.quality", "database reviewrating, models INTEGER")],
        "less": ORDERS_1_4,
    },
    "1.3": {
        "more": BEFORE_1_4 + [USERS_ORDER_1_1],
        "less": ORDERS_1_4,
    },
}


# --------------------------------------------------------------------------
# describing the differences
# --------------------------------------------------------------------------


def flatten(diff):
    """compare_metadata groups the modify_* ops of one column in a list."""
    for entry in diff:
        if isinstance(entry, list):
            yield from entry
        else:
            yield entry


def _cols(cols):
    return ", ".join(str(getattr(c, "name", c)) for c in cols)


def _default_text(value):
    if value is None:
        return None
    arg = getattr(value, "arg", value)
    return str(getattr(arg, "text", arg))


def _type_text(t):
    name = getattr(t, "name", None)  # an enum type: its name
    return name if name else str(t.compile(dialect=postgresql.dialect()))


def describe(op):
    """(key, detail) for one entry of compare_metadata's result."""
    kind = op[0]
    if kind in ("add_table", "remove_table"):
        return "%s %s" % (kind, op[1].name), ""
    if kind in ("add_column", "remove_column"):
        _, _schema, tname, col = op
        return "%s %s.%s" % (kind, tname, col.name), "%s %s" % (
            _type_text(col.type), "NULL" if col.nullable else "NOT NULL")
    if kind in ("add_index", "remove_index"):
        ix = op[1]
        return "%s %s.%s" % (kind, ix.table.name, ix.name), "%sINDEX (%s)" % (
            "UNIQUE " if ix.unique else "", _cols(ix.expressions))
    if kind in ("add_fk", "remove_fk"):
        # the metadata's FK is unnamed (PostgreSQL names it
        # <table>_<column>_fkey): key it by its columns
        fk = op[1]
        return "%s %s(%s)" % (kind, fk.table.name, _cols(fk.columns)), \
            "-> %s ON DELETE %s" % (
                ", ".join(e.target_fullname for e in fk.elements), fk.ondelete)
    if kind in ("add_constraint", "remove_constraint"):
        c = op[1]
        return "%s %s.%s" % (kind, c.table.name, c.name), "%s (%s)" % (
            type(c).__name__, _cols(c.columns))
    if kind.startswith("modify_"):
        # (kind, schema, table, column, existing_kw, database's, models')
        _, _schema, tname, cname, _existing, conn_value, meta_value = op
        if kind == "modify_default":
            conn_value, meta_value = _default_text(conn_value), _default_text(meta_value)
        elif kind == "modify_type":
            conn_value, meta_value = _type_text(conn_value), _type_text(meta_value)
        return "%s %s.%s" % (kind, tname, cname), \
            "database %s, models %s" % (conn_value, meta_value)
    return kind, repr(op[1:])


def alembic_diff(db):
    with dbs.engine(db).connect() as conn:
        mc = MigrationContext.configure(conn, opts=COMPARE_OPTS)
        return [describe(op) for op in flatten(compare_metadata(mc, models.Base.metadata))]


def db_enums(db):
    """{type: [labels in order]} of the enum types in the default schema."""
    with dbs.engine(db).connect() as conn:
        rows = conn.execute(sa.text(
            """SELECT t.typname, e.enumlabel
                 FROM pg_catalog.pg_enum e
                 JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
                WHERE t.typnamespace = current_schema()::regnamespace
                ORDER BY t.typname, e.enumsortorder""")).fetchall()
    labels = {}
    for typname, label in rows:
        labels.setdefault(typname, []).append(label)
    return labels


def enum_diff(db):
    """What Alembic does not compare: enum types and their labels.  The
    models' labels are their classes' member names (what create_all makes)."""
    got = db_enums(db)
    want = {name: [m.name for m in cls] for name, cls in models.enum_types().items()}
    out = []
    for name in sorted(set(got) - set(want)):
        out.append(("type_extra " + name, ", ".join(got[name])))
    for name in sorted(set(want) - set(got)):
        out.append(("type_missing " + name, ", ".join(want[name])))
    for name in sorted(set(got) & set(want)):
        g, w = got[name], want[name]
        for i, label in enumerate(g):
            if label not in w:
                out.append(("enum_extra_label %s.%s" % (name, label),
                            "after " + g[i - 1] if i else "first"))
        for label in w:
            if label not in g:
                out.append(("enum_missing_label %s.%s" % (name, label), ""))
        if [x for x in g if x in w] != [x for x in w if x in g]:
            out.append(("enum_label_order " + name, "database " + ", ".join(g)))
    return out


def column_order_diff(db):
    """What Alembic does not compare either: the order of the columns both
    sides have (a missing or extra column is Alembic's to report)."""
    out = []
    with dbs.engine(db).connect() as conn:
        for table in models.Base.metadata.sorted_tables:
            got = [r[0] for r in conn.execute(sa.text(
                """SELECT attname FROM pg_catalog.pg_attribute
                    WHERE attrelid = CAST(:t AS regclass) AND attnum > 0
                      AND NOT attisdropped ORDER BY attnum"""), {"t": table.name})]
            want = [c.name for c in table.columns]
            if [c for c in got if c in want] != [c for c in want if c in got]:
                out.append(("column_order " + table.name, "database " + ", ".join(got)))
    return out


def differences(db):
    return sorted(alembic_diff(db) + enum_diff(db) + column_order_diff(db))


def expected(version):
    """The differences a database at `version` must show (ACCEPTED: the
    latest version's)."""
    want = [(k, d) for k, d, _ in ACCEPTED]
    if version in OLDER:
        want = [(k, d) for k, d in want if k not in OLDER[version]["less"]]
        want += OLDER[version]["more"]
    return sorted(want)


def compare(got, want):
    """(unexpected, missing) between two lists of (key, detail)."""
    return sorted(set(got) - set(want)), sorted(set(want) - set(got))


def report(got, want, what):
    """ok when the differences are exactly `want`; otherwise name each."""
    unexpected, missing = compare(got, want)
    for k, d in unexpected:
        tap.diag("unexpected difference: %s (%s)" % (k, d))
    for k, d in missing:
        tap.diag("expected but not found: %s (%s)" % (k, d))
    return tap.ok(not unexpected and not missing, what)


def install(db, version=None):
    dbs.create(db)
    dbs.run(db, "CREATE EXTENSION flashcard_schema" +
            (" VERSION '%s'" % version if version else ""),
            'CREATE EXTENSION "uuid-ossp"')


def installed_version(db):
    return dbs.scalar(db, "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------


def test_models_are_the_apps():
    meta = models.Base.metadata
    tap.is_(sorted(meta.tables), sorted(TABLES), "the models declare the app's 8 tables")
    plain = [i.name for t in meta.tables.values() for i in t.indexes if not i.unique]
    unique = [i.name for t in meta.tables.values() for i in t.indexes if i.unique]
    uqs = [c.name for t in meta.tables.values() for c in t.constraints
           if isinstance(c, sa.UniqueConstraint)]
    tap.is_((len(plain), len(unique), sorted(uqs)), (16 + 2, 4 + 1, ["uq_user_card", "uq_user_deck"]),
            "as app-models.md measured at the seed (16 plain indexes, 4 unique ix_ indexes, "
            "2 unique constraints), plus the January migrations' ix_decks_is_premium, "
            "ix_decks_owner_id and unique ix_users_auth0_id")
    py_defaults = sorted((t.name, c.name) for t in meta.tables.values() for c in t.columns
                         if c.default is not None and c.server_default is None)
    tap.is_(py_defaults, sorted((t, c) for t, c, _ in PY_DEFAULTS),
            "the 13 columns with a Python default and no server default")
    ids = sorted(t.name for t in meta.tables.values()
                 if _default_text(t.c.id.server_default) == "uuid_generate_v4()")
    tap.is_(ids, sorted(TABLES), "every id has the server default uuid_generate_v4()")
    tap.is_((sorted(models.enum_types()), str(models.Review.__table__.c.quality.type)),
            (["carddifficulty", "cardstatus", "decklevel"], "INTEGER"),
            "three enum types, no reviewrating: reviews.quality is an Integer")


def test_uuid_ossp():
    db = "alembic_compare_no_uuid_ossp"
    dbs.create(db)
    dbs.run(db, "CREATE EXTENSION flashcard_schema")
    tap.is_(dbs.scalar(db, """SELECT count(*) FROM pg_extension WHERE extname = 'uuid-ossp'"""),
            0, "the extension installs without uuid-ossp")
    dbs.run(db, "INSERT INTO users (email) VALUES ('χωρίς@uuid-ossp.example')")
    tap.is_(dbs.scalar(db, """SELECT substr(id::text, 15, 1) FROM users"""), "4",
            "... and gives rows random version-4 ids with gen_random_uuid()")
    try:
        alembic_diff(db)
        error = None
    except sa.exc.ProgrammingError as exc:
        error = str(exc.orig).splitlines()[0]
    tap.is_(error, "function uuid_generate_v4() does not exist",
            "without uuid-ossp, Alembic's comparison of the app's models stops: "
            "it runs the app's uuid_generate_v4() on the server")
    dbs.run(db, 'CREATE EXTENSION "uuid-ossp"')
    tap.run("with uuid-ossp installed afterwards, the comparison runs",
            lambda: alembic_diff(db) is not None)
    tap.is_(dbs.scalar(db, "SELECT substr(uuid_generate_v4()::text, 15, 1)"), "4",
            "uuid_generate_v4() gives the same kind of id (version 4, random)")


def test_default_version():
    db = "alembic_compare"
    install(db, models.REVISION)
    tap.is_(installed_version(db), models.REVISION,
            "CREATE EXTENSION flashcard_schema VERSION '%s', the revision the models describe"
            % models.REVISION)
    got = differences(db)
    tap.diag("the differences on a fresh install, with the reasons they are accepted:")
    for key, detail, reason in ACCEPTED:
        if (key, detail) in expected(models.REVISION):
            tap.ok((key, detail) in got, "accepted: %s (%s): %s" % (key, detail, reason))
    report(got, expected(models.REVISION),
           "nothing else differs from the app's models: exactly the %d accepted differences"
           % len(ACCEPTED))
    test_server_defaults_are_the_apps(db)


def test_server_defaults_are_the_apps(db):
    """The 13 server defaults the app lacks must give what the app's Python
    defaults give, or the accepted difference would change data."""
    wrong = []
    with dbs.engine(db).connect() as conn:
        for table, column, _ in PY_DEFAULTS:
            expr = conn.execute(sa.text(
                """SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
                     JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                    WHERE d.adrelid = CAST(:t AS regclass) AND a.attname = :c"""),
                {"t": table, "c": column}).scalar()
            got = conn.execute(sa.text("SELECT (%s)::text" % expr)).scalar()
            py = models.Base.metadata.tables[table].c[column].default.arg
            want = py.name if hasattr(py, "name") else str(py).lower()
            if got != want:
                wrong.append("%s.%s: server gives %r, the app %r" % (table, column, got, want))
    for line in wrong:
        tap.diag(line)
    tap.ok(not wrong, "each of those 13 server defaults gives the value of the app's Python default")


def test_older_versions_and_updates():
    db = "alembic_compare_updated"
    install(db, "1.0")
    report(differences(db), expected("1.0"),
           "at 1.0: the accepted differences, plus what 1.1-1.4 bring (last_login_*, "
           "C1/C2, reviews.quality integer, the six January columns)")
    dbs.run(db, "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")
    tap.is_(installed_version(db), "1.2", "1.0 updated in place to 1.2")
    report(differences(db), expected("1.2"),
           "at 1.2: the accepted differences, plus reviews.quality is still reviewrating")
    dbs.run(db, "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")
    report(differences(db), expected("1.3"),
           "at 1.3: the accepted differences, plus the app's six January columns, their "
           "indexes and key missing (they come with 1.4)")
    dbs.run(db, "ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % models.REVISION)
    report(differences(db), expected(installed_version(db)),
           "updated in place to the revision the models describe (%s): exactly the accepted "
           "differences" % installed_version(db))


# Break one thing of each kind the comparison checks; it must report exactly
# those (and miss the accepted differences the damage removed).
DAMAGE = [
    ("DROP INDEX ix_card_statistics_user_due_cards", None),
    ("ALTER TABLE cards ALTER COLUMN difficulty SET DEFAULT 'HARD'",
     "modify_default cards.difficulty"),
    ("ALTER TABLE refresh_tokens ALTER COLUMN token TYPE varchar(400)",
     "modify_type refresh_tokens.token"),
    ("ALTER TABLE reviews ALTER COLUMN quality TYPE bigint", "modify_type reviews.quality"),
    ("ALTER TABLE decks ALTER COLUMN description SET NOT NULL",
     "modify_nullable decks.description"),
    ("COMMENT ON COLUMN users.last_login_ip IS NULL", "modify_comment users.last_login_ip"),
    ("ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck",
     "add_constraint user_deck_progress.uq_user_deck"),
    ("ALTER TABLE reviews DROP CONSTRAINT reviews_card_id_fkey", "add_fk reviews(card_id)"),
    ("ALTER TABLE reviews ADD COLUMN note text", "remove_column reviews.note"),
    ("ALTER TYPE cardstatus ADD VALUE 'SUSPENDED'", "enum_extra_label cardstatus.SUSPENDED"),
    ("CREATE TYPE mood AS ENUM ('calm')", "type_extra mood"),
]
DAMAGE_REMOVES = [
    "modify_default cards.difficulty",  # its detail changed: 'HARD' now
    "remove_index card_statistics.ix_card_statistics_user_due_cards",
]


def test_damage_is_reported():
    db = "alembic_compare_broken"
    install(db, models.REVISION)
    dbs.run(db, *[sql for sql, _ in DAMAGE])
    unexpected, missing = compare(differences(db), expected(installed_version(db)))
    tap.diag("the comparison's report on the damaged database (expected):")
    for k, d in unexpected:
        tap.diag("  unexpected: %s (%s)" % (k, d))
    for k, d in missing:
        tap.diag("  accepted difference gone: %s (%s)" % (k, d))
    tap.is_(sorted(k for k, _ in unexpected), sorted(k for _, k in DAMAGE if k),
            "on a damaged install each damage is reported by name (default, type, "
            "nullability, comment, unique, foreign key, column, enum label, enum type)")
    tap.is_(sorted(k for k, _ in missing), sorted(DAMAGE_REMOVES),
            "... and an accepted difference that changed or vanished is reported too")


def main():
    tap.diag("SQLAlchemy %s, Alembic %s, Python %s"
             % (sa.__version__, alembic.__version__, sys.version.split()[0]))
    try:
        for fn in (test_models_are_the_apps, test_uuid_ossp, test_default_version,
                   test_older_versions_and_updates, test_damage_is_reported):
            try:
                fn()
            except Exception:  # noqa: BLE001 - an exception fails the group
                tap.diag(traceback.format_exc())
                tap.ok(False, "%s ran to the end" % fn.__name__)
    finally:
        dbs.drop_all(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
