"""Fixtures for the helper's tests: a fresh database per test on the server
the libpq variables name (PGHOST, PGPORT, PGUSER -- a superuser --,
PGPASSWORD), with or without the extension."""

import itertools
import os
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

_counter = itertools.count()


def url(database):
    env = os.environ
    host = env.get("PGHOST") or None
    query = {}
    if host and host.startswith("/"):
        query, host = {"host": host}, None
    return URL.create("postgresql+psycopg2", username=env.get("PGUSER") or None,
                      password=env.get("PGPASSWORD") or None, host=host,
                      port=int(env["PGPORT"]) if env.get("PGPORT") else None,
                      database=database, query=query)


def _admin():
    return sa.create_engine(url(os.environ.get("PGDATABASE") or "postgres"),
                            poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")


@pytest.fixture
def make_db(worker_id):
    """make_db(extension=True) -> an engine on a new database (dropped after
    the test); with the extension at the server's default version."""
    made = []

    def make(extension=True):
        name = "flashcard_schema_test_alembic_helper_%s_%d_%d" % (
            worker_id, os.getpid(), next(_counter))
        with _admin().connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % name))
            conn.execute(sa.text(
                "CREATE DATABASE \"%s\" ENCODING 'UTF8' TEMPLATE template0" % name))
        engine = sa.create_engine(url(name), poolclass=sa.pool.NullPool)
        made.append((name, engine))
        if extension:
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE EXTENSION flashcard_schema"))
        return engine

    yield make
    for name, engine in made:
        engine.dispose()
        with _admin().connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name))


@pytest.fixture
def worker_id(request):
    """pytest-xdist's worker id ("gw0", ...), "master" without xdist."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")
