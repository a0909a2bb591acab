"""The helper against a real server: membership read from the catalog,
Alembic's comparison with and without the filters, the migration
operations, and the fixture functions."""

import textwrap

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.dialects import postgresql

import flashcard_schema_alembic as fsa

COMPARE = {"compare_type": True, "compare_server_default": True}


def app_metadata():
    """An application's models in small: its copy of one extension table
    (deliberately incomplete: the ORM needs only what it uses), its own
    table with a key into it, a column of the extension's type cardstatus,
    and an enum type of its own."""
    md = sa.MetaData()
    sa.Table("users", md,
             sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
             sa.Column("email", sa.String(255), nullable=False))
    sa.Table("notes", md,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", postgresql.UUID(as_uuid=True),
                       sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
             sa.Column("status", postgresql.ENUM("NEW", "LEARNING", "REVIEW", "RELEARNING",
                                                 "MASTERED", name="cardstatus"),
                       nullable=False, server_default=sa.text("'NEW'")),
             sa.Column("mood", sa.Enum("CALM", "BUSY", name="notemood"), nullable=True))
    return md


def diff(conn, md, **opts):
    mc = MigrationContext.configure(conn, opts=dict(COMPARE, **opts))
    out = []
    for op in compare_metadata(mc, md):
        for one in (op if isinstance(op, list) else [op]):
            out.append(one)
    return out


def keys(ops):
    """(kind, table) of each difference."""
    out = []
    for op in ops:
        kind = op[0]
        if kind.startswith("modify_") or kind in ("add_column", "remove_column"):
            out.append((kind, op[2]))
        elif kind in ("add_table", "remove_table"):
            out.append((kind, op[1].name))
        else:
            out.append((kind, op[1].table.name))
    return sorted(set(out))


def user_tables(conn):
    return set(conn.execute(sa.text(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")).fetchall())


def test_not_installed(make_db):
    with make_db(extension=False).connect() as conn:
        objs = fsa.read_extension_objects(conn)
    assert (objs.version, objs.schema, objs.tables, objs.types) == (None, None, set(), set())
    assert not objs.owns_table("users")


def test_reading_leaves_no_transaction_open(make_db):
    """With an autobeginning connection (SQLAlchemy 2.0's, 1.4's future=True)
    a transaction left open by the read would make Alembic's
    begin_transaction() a no-op and the migrations would never be committed."""
    engine = make_db()
    future = sa.create_engine(engine.url, poolclass=sa.pool.NullPool, future=True)
    with future.connect() as conn:
        assert not conn.in_transaction()
        filters = fsa.alembic_filters(conn)
        assert not conn.in_transaction()
        assert set(filters) == {"include_name", "include_object", "render_item"}
        with conn.begin():
            fsa.read_extension_objects(conn)
            assert conn.in_transaction(), "a caller's transaction is left alone"
    future.dispose()


def test_members_are_what_create_extension_made(make_db):
    engine = make_db(extension=False)
    with engine.begin() as conn:
        before = user_tables(conn)
        conn.execute(sa.text("CREATE EXTENSION flashcard_schema"))
        made = user_tables(conn) - before
        conn.execute(sa.text("CREATE TABLE app_own (id int PRIMARY KEY)"))
        conn.execute(sa.text("CREATE TYPE app_mood AS ENUM ('CALM')"))
        objs = fsa.read_extension_objects(conn)
        version = conn.execute(sa.text(
            "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")).scalar()
        enums = set(conn.execute(sa.text(
            "SELECT 'public', typname FROM pg_type WHERE typtype = 'e' "
            "AND typnamespace = 'public'::regnamespace AND typname <> 'app_mood'")).fetchall())
    assert objs.tables == made and made  # what the installed revision made, however many
    assert objs.types == enums and len(enums) >= 4
    assert objs.version == version and objs.schema == "public"
    assert objs.owns_table("users") and objs.owns_table("users", "public")
    assert not objs.owns_table("users", "elsewhere")
    assert not objs.owns_table("app_own") and not objs.owns_type("app_mood")


def test_membership_is_read_not_listed(make_db):
    """A table that joins the extension (as a later version's would) is left
    alone from then on, with no change to the helper."""
    engine = make_db()
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE badges (id int PRIMARY KEY)"))
        assert not fsa.read_extension_objects(conn).owns_table("badges")
        # (the extension's DROP guard refuses members added from outside its
        # scripts unless the session accepts it, as this test does)
        conn.execute(sa.text("SET LOCAL flashcard_schema.allow_data_loss = on"))
        conn.execute(sa.text("ALTER EXTENSION flashcard_schema ADD TABLE badges"))
        assert fsa.read_extension_objects(conn).owns_table("badges")
        md = sa.MetaData()
        sa.Table("badges", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("label", sa.Text))
        assert [k for k in keys(diff(conn, md)) if k[1] == "badges"] == \
            [("add_column", "badges")], "control: unfiltered, the difference shows"
        assert [k for k in keys(diff(conn, md, **fsa.alembic_filters(conn)))
                if k[1] == "badges"] == []
        conn.execute(sa.text("ALTER EXTENSION flashcard_schema DROP TABLE badges"))


def test_filters_leave_the_extension_alone(make_db):
    engine = make_db()
    md = app_metadata()
    with engine.begin() as conn:
        fsa.create_app_schema(conn, md)
        unfiltered = keys(diff(conn, md))
        filtered = diff(conn, md, **fsa.alembic_filters(conn))
    # control: without the filters the incomplete copy of users differs, and
    # every other table of the extension is "removed"
    assert ("remove_column", "users") in unfiltered
    assert ("remove_table", "reviews") in unfiltered
    assert filtered == []


def test_filters_still_see_the_apps_objects(make_db):
    engine = make_db()
    md = app_metadata()
    with engine.begin() as conn:
        fsa.create_app_schema(conn, md)
        conn.execute(sa.text("ALTER TABLE notes DROP CONSTRAINT notes_user_id_fkey"))
        conn.execute(sa.text("ALTER TABLE notes ALTER COLUMN status DROP DEFAULT"))
        conn.execute(sa.text("CREATE TABLE stray (id int)"))
        got = keys(diff(conn, md, **fsa.alembic_filters(conn)))
    assert got == [("add_fk", "notes"), ("modify_default", "notes"), ("remove_table", "stray")]


def test_filters_compose_with_the_apps_own(make_db):
    engine = make_db()
    md = app_metadata()
    seen = []

    def mine(obj, name, type_, reflected, compare_to):
        seen.append((type_, name))
        return name != "stray"

    with engine.begin() as conn:
        fsa.create_app_schema(conn, md)
        conn.execute(sa.text("CREATE TABLE stray (id int)"))
        conn.execute(sa.text("CREATE TABLE other (id int)"))
        got = keys(diff(conn, md, **fsa.alembic_filters(conn, include_object=mine)))
    assert got == [("remove_table", "other")]
    assert ("table", "stray") in seen and ("table", "users") not in seen


def test_fixture_functions(make_db):
    engine = make_db()
    md = app_metadata()
    with engine.begin() as conn:
        objs = fsa.read_extension_objects(conn)
        assert [t.name for t in fsa.app_tables(md, objs)] == ["notes"]
        assert fsa.app_enum_types(md, objs) == [(None, "notemood")]
        # control: SQLAlchemy's own drop_all of the app's table alone drops
        # the extension's type cardstatus too, and fails
        fsa.create_app_schema(conn, md)
    with pytest.raises(sa.exc.DBAPIError, match="cardstatus|extension flashcard_schema"):
        with engine.begin() as conn:
            md.drop_all(conn, tables=[md.tables["notes"]])
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE VIEW notes_v AS SELECT * FROM notes"))
        fsa.drop_app_schema(conn, md)
        fsa.drop_app_schema(conn, md)  # again: nothing left, no error
        left = conn.execute(sa.text(
            "SELECT count(*) FROM pg_class WHERE relname IN ('notes', 'notes_v')")).scalar()
        types = conn.execute(sa.text(
            "SELECT string_agg(typname, ',' ORDER BY typname) FROM pg_type "
            "WHERE typname IN ('notemood', 'cardstatus')")).scalar()
        assert (left, types) == (0, "cardstatus")
        fsa.create_app_schema(conn, md)
        fsa.create_app_schema(conn, md)  # checkfirst: twice is fine
        uid = conn.execute(sa.text(
            "INSERT INTO users (email) VALUES ('a@example.gr') RETURNING id")).scalar()
        conn.execute(sa.text("INSERT INTO notes (id, user_id) VALUES (1, :u)"), {"u": uid})
        fsa.empty_tables(conn, md)
        assert conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM notes)")).scalar() == 0


class FakeOp:
    def __init__(self):
        self.sql = []

    def execute(self, sql):
        self.sql.append(sql)


def test_migration_operations():
    op = FakeOp()
    fsa.create_extension(op, "1.3")
    fsa.update_extension(op, "1.4")
    fsa.update_extension(op, "1.3")
    fsa.drop_extension(op)
    assert op.sql == ["CREATE EXTENSION flashcard_schema VERSION '1.3'",
                      "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'",
                      "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'",
                      "DROP EXTENSION flashcard_schema"]
    for bad in ("1.4'; DROP TABLE users; --", "", None, 1.4, "latest"):
        with pytest.raises(ValueError, match="not a version of flashcard_schema"):
            fsa.update_extension(op, bad)
    assert len(op.sql) == 4


ENV_PY = '''
from alembic import context
import flashcard_schema_alembic
import models_for_env

def run_migrations_online():
    connectable = context.config.attributes["connection"]
    context.configure(connection=connectable, target_metadata=models_for_env.metadata,
                      compare_type=True, compare_server_default=True,
                      **flashcard_schema_alembic.alembic_filters(connectable))
    with context.begin_transaction():
        context.run_migrations()

run_migrations_online()
'''


def test_in_an_alembic_project(make_db, tmp_path, monkeypatch):
    """Through Alembic's commands with an env.py that uses the helper:
    autogenerate writes an empty revision (and `alembic check`, where this
    Alembic has it, passes); a real difference in the app's own table is
    generated."""
    from alembic import command
    from alembic.config import Config

    engine = make_db()
    md = app_metadata()
    with engine.begin() as conn:
        fsa.create_app_schema(conn, md)
    proj = tmp_path / "proj"
    (proj / "versions").mkdir(parents=True)
    (proj / "env.py").write_text(ENV_PY)
    (proj / "script.py.mako").write_text(textwrap.dedent('''\
        from alembic import op
        import sqlalchemy as sa
        ${imports if imports else ""}
        revision = ${repr(up_revision)}
        down_revision = ${repr(down_revision)}
        def upgrade():
            ${upgrades if upgrades else "pass"}
        def downgrade():
            ${downgrades if downgrades else "pass"}
        '''))
    (tmp_path / "models_for_env.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    import models_for_env
    models_for_env.metadata = md
    cfg = Config()
    cfg.set_main_option("script_location", str(proj))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.stamp(cfg, "head")
        script = command.revision(cfg, message="nothing", autogenerate=True)
        body = open(script.path).read()
        assert "op." not in body, body
        command.stamp(cfg, "head")  # check wants the database at head
        if hasattr(command, "check"):  # Alembic 1.9+
            command.check(cfg)
        conn.execute(sa.text("ALTER TABLE notes DROP COLUMN mood"))
        script = command.revision(cfg, message="mood", autogenerate=True)
        body = open(script.path).read()
        assert "op.add_column('notes'" in body and "users" not in body, body
        command.stamp(cfg, "head")
        # the whole table: its column of the extension's type cardstatus is
        # written so that create_table does not create the type
        conn.execute(sa.text("DROP TABLE notes"))
        conn.execute(sa.text("DROP TYPE notemood"))
        script = command.revision(cfg, message="notes", autogenerate=True)
        body = open(script.path).read()
        assert "postgresql.ENUM(name='cardstatus', create_type=False)" in body, body
        assert "sa.Enum('CALM', 'BUSY', name='notemood')" in body, body
        assert "from sqlalchemy.dialects import postgresql" in body, body
        command.upgrade(cfg, "head")
        assert conn.execute(sa.text("SELECT count(*) FROM notes")).scalar() == 0
