"""The app's test fixture around the extension: the pattern (docs/alembic.md).

Run by test/t/app_fixture.t with pytest-xdist workers in parallel, as the
app's CI runs its suite.  Connects as the app's role (APP_FIXTURE_ROLE,
APP_FIXTURE_PASSWORD: a database owner that is not a superuser, with
CREATEDB so that each worker can make its own database).

Once per worker session:
  1. its own database ``<APP_FIXTURE_DB>_<worker>``, created if missing
     (workers never share the eight tables, so one worker's reset cannot
     empty another's rows);
  2. the extension and uuid-ossp, if missing (in the app: its Alembic
     migrations, ``alembic upgrade head``);
  3. the app's own tables dropped and made again from its models
     (drop_app_schema/create_app_schema: metadata.drop_all() would drop the
     extension's tables and enum types, and fail);
  4. every table emptied, the eight included (empty_tables: one TRUNCATE;
     1.4 grants TRUNCATE to the database owner).
Each test then runs in a transaction rolled back at its end (the app's
outer transaction plus savepoint).
"""

import os
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "lib"),
                os.path.join(HERE, "..", "..", "python", "flashcard_schema_alembic")]

import app_tables  # noqa: E402,F401 - the app's 13 tables join Base.metadata
import flashcard_schema_alembic as fsa  # noqa: E402
import models  # noqa: E402
from taplib import url_for  # noqa: E402


def _url(database):
    return url_for(database).set(username=os.environ["APP_FIXTURE_ROLE"],
                                 password=os.environ["APP_FIXTURE_PASSWORD"])


@pytest.fixture(scope="session")
def database(worker_id):
    name = "%s_%s" % (os.environ["APP_FIXTURE_DB"], worker_id)
    admin = sa.create_engine(_url("postgres"), poolclass=sa.pool.NullPool,
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).scalar():
            conn.execute(sa.text("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'" % name))
    return name


@pytest.fixture(scope="session")
def engine(database):
    eng = sa.create_engine(_url(database), poolclass=sa.pool.NullPool)
    with eng.begin() as conn:
        conn.execute(sa.text('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"'))
        # the revision the app's models are written for, not whatever default
        # a later package ships
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS flashcard_schema VERSION '%s'"
                             % models.REVISION))
    with eng.begin() as conn:
        objects = fsa.read_extension_objects(conn)
        fsa.drop_app_schema(conn, models.Base.metadata, objects)
        fsa.create_app_schema(conn, models.Base.metadata, objects)
        fsa.empty_tables(conn, models.Base.metadata, objects)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    """A Session in a transaction rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    s = Session(bind=conn)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        conn.close()


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "master")
