"""Alembic glue for an application built around the flashcard_schema extension.

The extension owns the core schema (its tables and enum types); the
application owns everything else in the database and keeps both in one
Alembic project.  Three things follow, and this module gives each:

* Autogenerate and Alembic's check must leave the extension's objects alone
  while still comparing the application's own.  ``alembic_filters(connection)``
  returns the ``include_name``/``include_object`` hooks for
  ``context.configure()`` in env.py.  What the extension owns is read from
  the catalog each time Alembic runs (its members in ``pg_depend``,
  ``deptype = 'e'``), never from a list written here: a later version of the
  extension that adds a table is left alone without a new release of this
  package.  The application's models keep the extension's tables (its ORM
  maps them); only the comparison skips them.

* The application's own migrations own the extension's version:
  ``create_extension(op, "1.3")``, ``update_extension(op, "1.4")``,
  ``drop_extension(op)`` (each is one SQL statement; the extension's own
  scripts do the work and refuse, in its words, whatever would lose data).

* A test fixture must create and drop the application's own tables and types
  without touching the extension's (``Base.metadata.drop_all()`` would try to
  drop them, and fail), and empty every table between runs:
  ``drop_app_schema``, ``create_app_schema``, ``empty_tables``.

Works with SQLAlchemy 1.4 and 2.0, Alembic 1.5 and later (``include_name``
appeared in 1.5); the same hooks serve ``alembic check`` (Alembic 1.9+).
"""

import re

import sqlalchemy as sa

__all__ = [
    "EXTENSION",
    "ExtensionObjects",
    "read_extension_objects",
    "alembic_filters",
    "name_filter",
    "object_filter",
    "type_renderer",
    "create_extension",
    "update_extension",
    "drop_extension",
    "app_tables",
    "app_enum_types",
    "drop_app_schema",
    "create_app_schema",
    "empty_tables",
]

EXTENSION = "flashcard_schema"

_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$")

# The extension's member relations and types, from pg_depend (deptype 'e':
# "this object is a member of that extension").  Array types of member types
# are left out: they are implicit (PostgreSQL 17 records some as members).
_MEMBERS_SQL = sa.text("""
SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_depend d
    ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
   AND d.refobjid = e.oid AND d.deptype = 'e'
   AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
  JOIN pg_catalog.pg_class c ON c.oid = d.objid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE e.extname = :extname AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'type', n.nspname, t.typname
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_depend d
    ON d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
   AND d.refobjid = e.oid AND d.deptype = 'e'
   AND d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
  JOIN pg_catalog.pg_type t ON t.oid = d.objid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
 WHERE e.extname = :extname AND t.typcategory <> 'A'
   -- PostgreSQL 17 records a member table's row type as a member too: it is
   -- the table's, not a type of its own (a standalone composite type stays)
   AND (t.typrelid = 0 OR EXISTS (SELECT FROM pg_catalog.pg_class r
                                   WHERE r.oid = t.typrelid AND r.relkind = 'c'))
""")

_EXTENSION_SQL = sa.text("""
SELECT e.extversion, n.nspname
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = :extname
""")


class ExtensionObjects:
    """What the extension owns in one database, as the catalog said when read.

    ``version`` and ``schema`` are None when the extension is not installed
    (then it owns nothing).  ``default_schema`` is the connection's
    ``current_schema()``: where a model without ``schema=`` lives."""

    def __init__(self, extension, version, schema, tables, types, default_schema):
        self.extension = extension
        self.version = version
        self.schema = schema
        self.tables = frozenset(tables)  # {(schema, name)}
        self.types = frozenset(types)  # {(schema, name)}
        self.default_schema = default_schema

    def _key(self, name, schema):
        return (schema or self.default_schema, name)

    def owns_table(self, name, schema=None):
        """True when the table (a model's schema None: the default schema) is
        a member of the extension."""
        return self._key(name, schema) in self.tables

    def owns_type(self, name, schema=None):
        return self._key(name, schema) in self.types

    def __repr__(self):
        return "<ExtensionObjects %s %s: %d tables, %d types>" % (
            self.extension, self.version or "(not installed)",
            len(self.tables), len(self.types))


def _execute(connection, stmt, params=None):
    return connection.execute(stmt, params or {})


def read_extension_objects(connection, extension=EXTENSION):
    """Read the extension's member tables and types from the catalog.

    Leaves the connection's transaction state as it found it: a connection
    that autobegins (SQLAlchemy 2.0, or 1.4 with future=True) and was not in
    a transaction is rolled back after the read, so that env.py's
    ``context.begin_transaction()`` still begins (and commits) the
    migrations' own transaction."""
    began = not connection.in_transaction()
    try:
        row = _execute(connection, _EXTENSION_SQL, {"extname": extension}).first()
        default_schema = _execute(connection, sa.text("SELECT pg_catalog.current_schema()")).scalar()
        tables, types = set(), set()
        if row is not None:
            for kind, schema, name in _execute(connection, _MEMBERS_SQL, {"extname": extension}):
                (tables if kind == "table" else types).add((schema, name))
    finally:
        if began and connection.in_transaction():
            connection.rollback()
    return ExtensionObjects(extension, row[0] if row else None, row[1] if row else None,
                            tables, types, default_schema)


def _objects(connection, objects, extension=EXTENSION):
    if isinstance(objects, ExtensionObjects):
        return objects
    return read_extension_objects(connection, extension)


# --------------------------------------------------------------------------
# Alembic: autogenerate and the check
# --------------------------------------------------------------------------


def name_filter(objects):
    """An ``include_name`` hook: the database side never reflects the
    extension's tables (nor, so, their columns, indexes and constraints)."""

    def hook(name, type_, parent_names):
        if type_ == "table":
            return not objects.owns_table(name, parent_names.get("schema_name"))
        return True

    return hook


def object_filter(objects):
    """An ``include_object`` hook: the models' copies of the extension's
    tables, and anything on them, are not compared.  The application's own
    tables are, including their foreign keys into the extension's tables and
    their columns of the extension's types."""

    def hook(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            return not objects.owns_table(name, obj.schema)
        table = getattr(obj, "table", None)
        if isinstance(table, sa.Table):
            return not objects.owns_table(table.name, table.schema)
        return True

    return hook


def type_renderer(objects):
    """A ``render_item`` hook: in a generated migration, a column of one of
    the extension's enum types (``cardstatus`` in an app's own table) is
    written ``postgresql.ENUM(name='cardstatus', create_type=False)``, so that
    ``op.create_table`` does not try to create the type (it exists: the
    extension's) and ``op.drop_table`` leaves it alone."""

    def hook(type_, obj, autogen_context):
        if type_ == "type" and isinstance(obj, sa.Enum) and obj.name \
                and objects.owns_type(obj.name, obj.schema):
            autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
            return "postgresql.ENUM(name=%r, create_type=False)" % obj.name
        return False

    return hook


def _render_both(ours, theirs):
    if theirs is None:
        return ours

    def hook(type_, obj, autogen_context):
        got = ours(type_, obj, autogen_context)
        return got if got is not False else theirs(type_, obj, autogen_context)

    return hook


def _both(ours, theirs):
    if theirs is None:
        return ours

    def hook(*args):
        return ours(*args) and theirs(*args)

    return hook


def alembic_filters(connection, include_name=None, include_object=None,
                    render_item=None, extension=EXTENSION):
    """The keyword arguments for ``context.configure()`` in env.py::

        context.configure(connection=connection, target_metadata=Base.metadata,
                          compare_type=True, compare_server_default=True,
                          **alembic_filters(connection))

    Reads the catalog now (call it with the connection Alembic will use).  An
    application's own ``include_name``/``include_object`` hooks may be passed:
    an object is compared only when both agree; its own ``render_item`` is
    asked about whatever ours does not render (see ``type_renderer``)."""
    objects = read_extension_objects(connection, extension)
    return {
        "include_name": _both(name_filter(objects), include_name),
        "include_object": _both(object_filter(objects), include_object),
        "render_item": _render_both(type_renderer(objects), render_item),
    }


# --------------------------------------------------------------------------
# Migrations: the application's revisions own the extension's version
# --------------------------------------------------------------------------


def _literal(version):
    if not isinstance(version, str) or not _VERSION.match(version):
        raise ValueError("not a version of %s: %r" % (EXTENSION, version))
    return "'%s'" % version


def create_extension(op, version, extension=EXTENSION):
    """``CREATE EXTENSION ... VERSION '<version>'`` in an upgrade().  Name the
    version: a migration must make the same schema whatever the server's
    default version is."""
    op.execute("CREATE EXTENSION %s VERSION %s" % (extension, _literal(version)))


def update_extension(op, version, extension=EXTENSION):
    """``ALTER EXTENSION ... UPDATE TO '<version>'``: in an upgrade() to the
    new version, in its downgrade() back to the previous one.  The extension
    refuses (SQLSTATE 55000, naming the tables, columns and row counts) a
    step that would lose data; the migration then fails and Alembic rolls
    the whole run back."""
    op.execute("ALTER EXTENSION %s UPDATE TO %s" % (extension, _literal(version)))


def drop_extension(op, extension=EXTENSION):
    """``DROP EXTENSION`` (no CASCADE): the downgrade of the revision that
    created it.  Refused while the application's own objects depend on the
    extension's (drop those first: Alembic's order does) and, by the
    extension's DROP guard, while its tables hold rows."""
    op.execute("DROP EXTENSION %s" % extension)


# --------------------------------------------------------------------------
# Test fixtures: the application's own tables and types, and emptying all
# --------------------------------------------------------------------------


def app_tables(metadata, objects):
    """The metadata's tables that are not the extension's, in dependency
    order (parents first)."""
    return [t for t in metadata.sorted_tables if not objects.owns_table(t.name, t.schema)]


def app_enum_types(metadata, objects):
    """[(schema, name)] of the enum types the metadata's columns use that are
    not the extension's (the application's own)."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            t = column.type
            if isinstance(t, sa.Enum) and t.native_enum and t.name:
                key = (t.schema or table.schema, t.name)
                if not objects.owns_type(t.name, key[0]) and key not in found:
                    found.append(key)
    return found


def drop_app_schema(connection, metadata, objects=None):
    """Drop the application's own tables (CASCADE: with the views over them)
    and enum types of ``metadata``, if they exist; never the extension's.
    ``metadata.drop_all()`` cannot be used: it drops every enum type its
    tables use, the extension's included."""
    objects = _objects(connection, objects)
    prep = connection.dialect.identifier_preparer
    for table in reversed(app_tables(metadata, objects)):
        connection.execute(sa.text("DROP TABLE IF EXISTS %s CASCADE" % prep.format_table(table)))
    for schema, name in app_enum_types(metadata, objects):
        qualified = prep.quote(name) if schema is None else "%s.%s" % (
            prep.quote_schema(schema), prep.quote(name))
        connection.execute(sa.text("DROP TYPE IF EXISTS %s" % qualified))


def create_app_schema(connection, metadata, objects=None):
    """Create the application's own tables and enum types of ``metadata``
    (the extension's are there already; checkfirst leaves its types alone)."""
    objects = _objects(connection, objects)
    metadata.create_all(connection, tables=app_tables(metadata, objects), checkfirst=True)


def empty_tables(connection, metadata, objects=None, restart_identity=True):
    """Empty the extension's tables and the application's own tables of
    ``metadata`` in one TRUNCATE (needs TRUNCATE on the extension's tables:
    granted to the database owner from 1.4).  No CASCADE: a table outside
    ``metadata`` with a key into these makes it fail rather than be emptied
    unseen."""
    objects = _objects(connection, objects)
    prep = connection.dialect.identifier_preparer
    names = ["%s.%s" % (prep.quote_schema(schema), prep.quote(name))
             for schema, name in sorted(objects.tables)]
    names += [prep.format_table(t) for t in app_tables(metadata, objects)]
    if names:
        connection.execute(sa.text("TRUNCATE TABLE %s%s" % (
            ", ".join(names), " RESTART IDENTITY" if restart_identity else "")))
