"""TAP output and throwaway databases for the Python tests (test/t/*.t).

They run under prove inside pg_virtualenv: the libpq variables (PGHOST,
PGPORT, PGUSER, PGPASSWORD, PGDATABASE) point at the throwaway server, as a
superuser.  Needs Debian's python3-sqlalchemy and python3-psycopg2.

    tap = Tap()
    tap.ok(cond, "description")          # one TAP line; returns cond
    tap.is_(got, want, "description")    # ok when equal, else both shown
    tap.diag("text")
    sys.exit(tap.done())                 # the plan (at the end), exit status

    dbs = Databases()                    # creates / drops databases
    dbs.create("name")                   # (re)created; dropped by dbs.drop_all()
    dbs.engine("name")                   # a psycopg2 engine on it
    url_for("name", "postgresql+asyncpg")
    async_engine("name")                 # asyncpg engine, session time zone UTC
    async_engine("name", server_settings={"citus.multi_shard_modify_mode": "sequential"})
"""

import os
import pprint
import sys
import traceback

import sqlalchemy as sa
from sqlalchemy.engine import URL


class Tap:
    """Numbered TAP lines, the plan printed last."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    @staticmethod
    def diag(msg):
        for line in str(msg).splitlines() or [""]:
            print("# " + line if line else "#")
        sys.stdout.flush()

    def ok(self, cond, desc):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        sys.stdout.flush()
        if not cond:
            self.failed += 1
        return bool(cond)

    def is_(self, got, want, desc):
        good = got == want
        self.ok(good, desc)
        if not good:
            self.diag("     got: " + pprint.pformat(got))
            self.diag("expected: " + pprint.pformat(want))
        return good

    def run(self, desc, fn, *args):
        """ok(fn(*args)), an exception failing the line (traceback shown)."""
        try:
            result = fn(*args)
        except Exception:  # noqa: BLE001 - any exception fails the line
            self.diag(traceback.format_exc())
            result = False
        return self.ok(result, desc)

    def bail(self, msg):
        print("Bail out! " + msg)
        sys.exit(255)

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


def url_for(database, drivername="postgresql+psycopg2"):
    """A SQLAlchemy URL from the libpq environment (PGHOST may be a socket
    directory, which goes in the query string)."""
    env = os.environ
    host = env.get("PGHOST") or None
    query = {}
    if host and host.startswith("/"):
        query["host"] = host
        host = None
    port = env.get("PGPORT")
    return URL.create(
        drivername,
        username=env.get("PGUSER") or None,
        password=env.get("PGPASSWORD") or None,
        host=host,
        port=int(port) if port else None,
        database=database,
        query=query,
    )


def async_engine(database, server_settings=None, **kw):
    """An asyncio engine on asyncpg as the app makes it, its sessions in UTC
    plus any other server_settings (a dict of session settings)."""
    from sqlalchemy.ext.asyncio import create_async_engine
    kw.setdefault("poolclass", sa.pool.NullPool)
    settings = {"timezone": "UTC"}
    settings.update(server_settings or {})
    return create_async_engine(
        url_for(database, "postgresql+asyncpg"),
        connect_args={"server_settings": settings},
        **kw,
    )


class Databases:
    """Databases this test creates, each dropped again by drop_all()."""

    def __init__(self):
        self.engines = {}
        self.names = []

    def admin(self):
        return sa.create_engine(
            url_for(os.environ.get("PGDATABASE") or "postgres"),
            poolclass=sa.pool.NullPool,
            isolation_level="AUTOCOMMIT",
        )

    def engine(self, name):
        if name not in self.engines:
            self.engines[name] = sa.create_engine(url_for(name), poolclass=sa.pool.NullPool)
        return self.engines[name]

    def drop(self, name):
        eng = self.engines.pop(name, None)
        if eng is not None:
            eng.dispose()
        with self.admin().connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name))

    def create(self, name):
        self.drop(name)
        with self.admin().connect() as conn:
            conn.execute(sa.text('CREATE DATABASE "%s" ENCODING \'UTF8\' TEMPLATE template0' % name))
        if name not in self.names:
            self.names.append(name)

    def run(self, name, *statements):
        """Run statements in one transaction."""
        with self.engine(name).begin() as conn:
            for stmt in statements:
                conn.execute(sa.text(stmt))

    def scalar(self, name, sql, **params):
        with self.engine(name).connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def drop_all(self, tap):
        for name in self.names:
            try:
                self.drop(name)
            except Exception:  # noqa: BLE001
                tap.diag("could not drop database %s:\n%s" % (name, traceback.format_exc()))
                tap.failed += 1


def run_pytest(tap, cwd, args, env=None, prefix=""):
    """Run pytest in `cwd` with `args`; each test case one TAP line (from
    pytest's JUnit report).  Returns pytest's exit status."""
    import subprocess
    import tempfile
    import xml.etree.ElementTree as ET

    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "junit.xml")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "--junitxml", report] + list(args),
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True)
        if not os.path.exists(report):
            tap.diag(proc.stdout)
            tap.ok(False, prefix + "pytest wrote a report")
            return proc.returncode
        for case in ET.parse(report).getroot().iter("testcase"):
            name = prefix + "%s::%s" % (case.get("classname", "").split(".")[-1], case.get("name"))
            skipped = case.find("skipped")
            if skipped is not None:
                tap.ok(True, "%s # SKIP %s" % (name, skipped.get("message", "")))
                continue
            bad = case.find("failure")
            if bad is None:
                bad = case.find("error")
            if bad is not None:
                tap.diag((bad.get("message") or "") + "\n" + (bad.text or ""))
            tap.ok(bad is None, name)
        if proc.returncode != 0:
            tap.diag(proc.stdout[-3000:])
        return proc.returncode
