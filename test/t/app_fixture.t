#!/usr/bin/python3
"""The app's test fixture pattern around the extension, with parallel workers.

Runs test/app_fixture/ (conftest.py: the pattern, see its docstring and
docs/alembic.md) with pytest-xdist, two workers, as the app's role: a
database owner that is not a superuser (CREATEDB only, so each worker makes
its own database).  Twice: the second run finds the first run's databases,
with rows left in the eight tables and the app's own, and must start empty
all the same.  Then the role and its databases are dropped.

Needs the PG* variables naming a superuser (pg_virtualenv), Debian's
python3-pytest and python3-pytest-xdist, python3-sqlalchemy,
python3-psycopg2 (hence /usr/bin/python3).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
SUITE = os.path.join(HERE, "..", "app_fixture")

import sqlalchemy as sa  # noqa: E402

from taplib import Databases, Tap, run_pytest, url_for  # noqa: E402

tap = Tap()
dbs = Databases()
ROLE, PASSWORD, DB = "flashcard_app_fixture_app", "app_fixture_pw", "flashcard_schema_test_app_fixture"
WORKERS = ("gw0", "gw1")


def main():
    try:
        import xdist  # noqa: F401
    except ImportError:
        tap.bail("cannot import xdist (apt-get install python3-pytest-xdist; run with /usr/bin/python3)")
    admin = dbs.admin()
    env = dict(os.environ, APP_FIXTURE_ROLE=ROLE, APP_FIXTURE_PASSWORD=PASSWORD, APP_FIXTURE_DB=DB)

    def drop():
        with admin.connect() as conn:
            for w in WORKERS:
                conn.execute(sa.text("DROP DATABASE IF EXISTS %s_%s WITH (FORCE)" % (DB, w)))
            conn.execute(sa.text("DROP ROLE IF EXISTS %s" % ROLE))

    try:
        drop()
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE ROLE %s LOGIN CREATEDB PASSWORD '%s'" % (ROLE, PASSWORD)))
        tap.is_(run_pytest(tap, SUITE, ["-n", str(len(WORKERS))], env=env, prefix="run 1: "), 0,
                "run 1: pytest -n %d exits 0" % len(WORKERS))
        left = 0
        for w in WORKERS:
            eng = sa.create_engine(url_for("%s_%s" % (DB, w)).set(username=ROLE, password=PASSWORD),
                                   poolclass=sa.pool.NullPool)
            with eng.begin() as conn:
                uid = conn.execute(sa.text(
                    "INSERT INTO users (email) VALUES ('left@example.gr') RETURNING id")).scalar()
                conn.execute(sa.text("INSERT INTO user_xp (user_id) VALUES (:u)"), {"u": uid})
                left += conn.execute(sa.text("SELECT count(*) FROM user_xp")).scalar()
            eng.dispose()
        tap.is_(left, len(WORKERS), "rows left behind in each worker's database (users, user_xp)")
        tap.is_(run_pytest(tap, SUITE, ["-n", str(len(WORKERS))], env=env, prefix="run 2: "), 0,
                "run 2 over the first run's databases: every test still starts empty")
    finally:
        drop()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
