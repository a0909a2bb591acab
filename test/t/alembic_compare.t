#!/usr/bin/python3
"""The app's SQLAlchemy models against CREATE EXTENSION flashcard_schema.

Runs Alembic's autogenerate comparator (alembic.autogenerate.compare_metadata,
with compare_type=True and compare_server_default=True as the app's env.py
sets them; tables, columns, nullability, comments, indexes, unique
constraints and foreign keys are compared by default) between test/models.py
(version 1.2) and databases built by the extension.  An empty diff means
`alembic revision --autogenerate` in the app would find nothing to do.

Alembic compares an enum column by its type name only, never its labels, so
the labels are checked separately against the Python enums.

Needs a running server reachable through the PG* environment variables
(pg_virtualenv sets them) as a superuser, and Debian's python3-sqlalchemy,
python3-alembic and python3-psycopg2 (hence /usr/bin/python3).  Prints TAP;
creates and drops its own databases alembic_compare*.
"""

import os
import pprint
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def diag(msg):
    for line in str(msg).splitlines() or [""]:
        print("# " + line if line else "#")
    sys.stdout.flush()


try:
    import alembic
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.engine import URL

    import models
except Exception:  # noqa: BLE001 - anything here means we cannot run at all
    print("Bail out! cannot import SQLAlchemy/Alembic/psycopg2 or test/models.py "
          "(apt-get install python3-sqlalchemy python3-alembic python3-psycopg2; "
          "run with /usr/bin/python3)")
    diag(traceback.format_exc())
    sys.exit(255)

DB_LATEST = "alembic_compare"
DB_UPDATED = "alembic_compare_updated"
DB_BROKEN = "alembic_compare_broken"
ALL_DBS = (DB_LATEST, DB_UPDATED, DB_BROKEN)

COMPARE_OPTS = {
    "compare_type": True,
    "compare_server_default": True,
    # include_schemas left off (default): only the default schema, public
}


# --------------------------------------------------------------------------
# connections
# --------------------------------------------------------------------------


def url_for(database):
    """postgresql+psycopg2 URL from the libpq environment (PGHOST may be a
    socket directory, which goes in the query string)."""
    env = os.environ
    host = env.get("PGHOST") or None
    query = {}
    if host and host.startswith("/"):
        query["host"] = host
        host = None
    port = env.get("PGPORT")
    return URL.create(
        "postgresql+psycopg2",
        username=env.get("PGUSER") or None,
        password=env.get("PGPASSWORD") or None,
        host=host,
        port=int(port) if port else None,
        database=database,
        query=query,
    )


ENGINES = {}


def engine(database):
    if database not in ENGINES:
        ENGINES[database] = sa.create_engine(url_for(database), poolclass=sa.pool.NullPool)
    return ENGINES[database]


def admin():
    return sa.create_engine(
        url_for(os.environ.get("PGDATABASE") or "postgres"),
        poolclass=sa.pool.NullPool,
        isolation_level="AUTOCOMMIT",
    )


def drop_database(name):
    eng = ENGINES.pop(name, None)
    if eng is not None:
        eng.dispose()
    with admin().connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name))


def create_database(name):
    drop_database(name)
    with admin().connect() as conn:
        conn.execute(sa.text('CREATE DATABASE "%s"' % name))


def run_sql(database, *statements):
    with engine(database).begin() as conn:
        for stmt in statements:
            conn.execute(sa.text(stmt))


def scalar(database, sql):
    with engine(database).connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def alembic_diff(database):
    with engine(database).connect() as conn:
        mc = MigrationContext.configure(conn, opts=COMPARE_OPTS)
        return compare_metadata(mc, models.Base.metadata)


# --------------------------------------------------------------------------
# describing a diff
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


def describe(op):
    """(key, detail) for one diff entry.  The key ('add_index
    card_statistics.ix_card_statistics_user_due_cards', 'modify_default
    cards.difficulty', ...) is what the tests match on."""
    kind = op[0]
    try:
        if kind in ("add_table", "remove_table"):
            return "%s %s" % (kind, op[1].name), ""
        if kind in ("add_column", "remove_column"):
            _, _schema, tname, col = op
            return "%s %s.%s" % (kind, tname, col.name), "%s%s" % (
                col.type, "" if col.nullable else " NOT NULL")
        if kind in ("add_index", "remove_index"):
            ix = op[1]
            return "%s %s.%s" % (kind, ix.table.name, ix.name), "%sINDEX (%s)" % (
                "UNIQUE " if ix.unique else "", _cols(ix.expressions))
        if kind in ("add_fk", "remove_fk"):
            # Alembic reports the metadata's FK, which SQLAlchemy leaves
            # unnamed (PostgreSQL names it <table>_<column>_fkey): key it by
            # its columns
            fk = op[1]
            return "%s %s(%s)" % (kind, fk.table.name, _cols(fk.columns)), \
                "FOREIGN KEY -> %s ON DELETE %s" % (
                    ", ".join(e.target_fullname for e in fk.elements), fk.ondelete)
        if kind in ("add_constraint", "remove_constraint"):
            c = op[1]
            return "%s %s.%s" % (kind, c.table.name, c.name), "%s (%s)" % (
                type(c).__name__, _cols(c.columns))
        if kind.startswith("modify_"):
            # (kind, schema, table, column, existing_kw, conn_value, meta_value)
            _, _schema, tname, cname, _existing, conn_value, meta_value = op
            if kind == "modify_default":
                # DefaultClause(TextClause) or DefaultClause(func.now())
                conn_value, meta_value = (
                    None if v is None else str(getattr(getattr(v, "arg", v), "text",
                                                       getattr(v, "arg", v)))
                    for v in (conn_value, meta_value))
            elif kind == "modify_type":
                conn_value, meta_value = str(conn_value), str(meta_value)
            return "%s %s.%s" % (kind, tname, cname), \
                "database has %r, models want %r" % (conn_value, meta_value)
    except Exception:  # noqa: BLE001 - fall back to the raw tuple
        pass
    return kind, pprint.pformat(op[1:])


def keys(diff):
    return sorted(describe(op)[0] for op in flatten(diff))


def show(diff):
    lines = ["%s: %s" % describe(op) for op in flatten(diff)]
    return "\n".join(lines) if lines else "(no difference)"


def db_enum_labels(database):
    with engine(database).connect() as conn:
        rows = conn.execute(sa.text(
            """SELECT t.typname, e.enumlabel
                 FROM pg_catalog.pg_enum e
                 JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
                 JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = current_schema()
                ORDER BY t.typname, e.enumsortorder""")).fetchall()
    labels = {}
    for typname, label in rows:
        labels.setdefault(typname, []).append(label)
    return labels


def model_enum_labels():
    # what SQLAlchemy's Enum(SomeEnum) would CREATE TYPE with: member names
    return {name: [m.name for m in cls] for name, cls in models.ENUMS.items()}


def check_enum_labels(database):
    got, want = db_enum_labels(database), model_enum_labels()
    if got == want:
        return True
    diag("enum labels differ (database vs models):")
    for name in sorted(set(got) | set(want)):
        if got.get(name) != want.get(name):
            diag("  %s: database %s, models %s" % (name, got.get(name), want.get(name)))
    return False


def expect_no_diff(database):
    diff = alembic_diff(database)
    if diff:
        diag("Alembic autogenerate found %d difference(s):" % len(list(flatten(diff))))
        diag(show(diff))
        diag("raw: " + pprint.pformat(diff))
    return diff == []


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------


@test
def models_declare_the_contract_tables():
    """the models declare the 8 tables of the contract"""
    want = {"users", "user_settings", "refresh_tokens", "decks", "cards",
            "user_deck_progress", "card_statistics", "reviews"}
    got = set(models.Base.metadata.tables)
    if got != want:
        diag("tables: %s" % sorted(got))
    return got == want


@test
def create_extension_latest():
    """CREATE EXTENSION flashcard_schema installs the default version 1.2"""
    create_database(DB_LATEST)
    run_sql(DB_LATEST, "CREATE EXTENSION flashcard_schema")
    version = scalar(DB_LATEST,
                     "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")
    if version != models.SCHEMA_VERSION:
        diag("installed %r, models describe %r" % (version, models.SCHEMA_VERSION))
    return version == models.SCHEMA_VERSION


@test
def no_diff_latest():
    """Alembic autogenerate finds no difference between the models and a fresh 1.2"""
    return expect_no_diff(DB_LATEST)


@test
def enum_labels_latest():
    """enum labels of a fresh 1.2 are the models' member names, in order"""
    return check_enum_labels(DB_LATEST)


@test
def diff_at_1_0_is_the_1_1_revision():
    """at 1.0 Alembic finds exactly the 1.1 columns missing (users.last_login_at/_ip)"""
    create_database(DB_UPDATED)
    run_sql(DB_UPDATED, "CREATE EXTENSION flashcard_schema VERSION '1.0'")
    diff = alembic_diff(DB_UPDATED)
    want = ["add_column users.last_login_at", "add_column users.last_login_ip"]
    got = keys(diff)
    if got != want:
        diag("expected exactly: %s" % want)
        diag("Alembic found:\n" + show(diff))
    return got == want


@test
def no_diff_after_update():
    """1.0 updated in place to 1.2: no Alembic difference, enum labels complete"""
    run_sql(DB_UPDATED, "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")
    version = scalar(DB_UPDATED,
                     "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")
    if version != "1.2":
        diag("updated to %r" % version)
        return False
    no_diff = expect_no_diff(DB_UPDATED)
    labels = check_enum_labels(DB_UPDATED)
    return no_diff and labels


# The comparator can fail: break one thing of each kind it checks and make
# sure it reports exactly those, so the empty diffs above mean something.
BREAKAGE = [
    ("DROP INDEX ix_card_statistics_user_due_cards",
     "add_index card_statistics.ix_card_statistics_user_due_cards"),
    ("ALTER TABLE cards ALTER COLUMN difficulty SET DEFAULT 'HARD'",
     "modify_default cards.difficulty"),
    ("ALTER TABLE user_settings ALTER COLUMN daily_goal SET DEFAULT 10",
     "modify_default user_settings.daily_goal"),
    ("ALTER TABLE refresh_tokens ALTER COLUMN token TYPE varchar(400)",
     "modify_type refresh_tokens.token"),
    ("ALTER TABLE decks ALTER COLUMN description SET NOT NULL",
     "modify_nullable decks.description"),
    ("COMMENT ON COLUMN users.last_login_ip IS NULL",
     "modify_comment users.last_login_ip"),
    ("ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck",
     "add_constraint user_deck_progress.uq_user_deck"),
    ("ALTER TABLE reviews DROP CONSTRAINT reviews_card_id_fkey",
     "add_fk reviews(card_id)"),
]


@test
def comparator_reports_breakage():
    """on a damaged 1.2 Alembic reports each damage (index, defaults, type, null, comment, unique, fk)"""
    create_database(DB_BROKEN)
    run_sql(DB_BROKEN, "CREATE EXTENSION flashcard_schema",
            *[sql for sql, _ in BREAKAGE])
    diff = alembic_diff(DB_BROKEN)
    diag("Alembic's report on the damaged database (expected):")
    diag(show(diff))
    got = keys(diff)
    want = sorted(key for _, key in BREAKAGE)
    for key in sorted(set(want) - set(got)):
        diag("NOT reported: %s" % key)
    for key in sorted(set(got) - set(want)):
        diag("unexpectedly reported: %s" % key)
    return got == want


# --------------------------------------------------------------------------


def main():
    print("1..%d" % len(TESTS))
    diag("SQLAlchemy %s, Alembic %s, Python %s"
         % (sa.__version__, alembic.__version__, sys.version.split()[0]))
    failed = 0
    try:
        for n, fn in enumerate(TESTS, 1):
            name = (fn.__doc__ or fn.__name__).strip()
            try:
                ok = bool(fn())
            except Exception:  # noqa: BLE001 - any exception fails the test
                diag(traceback.format_exc())
                ok = False
            print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
            sys.stdout.flush()
            failed += not ok
    finally:
        for db in ALL_DBS:
            try:
                drop_database(db)
            except Exception:  # noqa: BLE001
                diag("could not drop database %s:\n%s" % (db, traceback.format_exc()))
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
