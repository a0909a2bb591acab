#!/usr/bin/python3
"""The application as of 2026-01-20 as an Alembic project around the extension.

Built as the app's CI and production run it, by a database owner that is NOT
a superuser (the role the app connects as):

* the models: the eight core tables with the 1.4 columns (test/lib/models.py)
  and the app's 13 own tables with their keys into users and its six enum
  types (test/lib/app_tables.py: only the keys and types are the app's
  facts, the other columns are invented);
* env.py: ``target_metadata = Base.metadata`` (all 21 tables),
  ``compare_type=True``, ``compare_server_default=True``, plus the helper
  (python/flashcard_schema_alembic) so the comparison leaves the extension's
  objects alone;
* migrations that own the extension's version: 0001 ``CREATE EXTENSION
  flashcard_schema VERSION '<previous>'`` (and uuid-ossp, which the app's
  ``uuid_generate_v4()`` defaults need), 0002 ``ALTER EXTENSION ... UPDATE TO
  '<latest>'`` (the versions read from flashcard_schema.control and the
  update scripts), 0003 the app's own tables, generated here by
  ``alembic revision --autogenerate``, 0004 views and a function of its own
  (a view over reviews, a view calling flashcard_schema_status()).

Then: ``alembic upgrade head``; the check (Alembic 1.8 has no ``alembic
check``: the same comparison through ``compare_metadata`` with the env.py's
options; ``alembic check`` too where the Alembic has it) is clean; rows in
all 21 tables; downgrade and upgrade again keep them; each downgrade that
would lose the extension's data is refused in its words and Alembic rolls
the whole run back; a learner's deletion cascades into the app's rows
through SQL and through the ORM; the app's seed-and-reset TRUNCATE works.

Then the routes with the app's objects in place (plus a July-style table
keyed into decks ON DELETE SET NULL with a decklevel column, made in SQL):
DROP EXTENSION [CASCADE] refused by the DROP guard; downgrades to 1.2 and 1.0
refused in the extension's words (2BP01, naming the app's view over
reviews.quality, its view over flashcard_schema_status(), its decklevel
column); the previous <-> latest round trip keeps every row; pg_dump and
pg_restore as the app's role; ON DELETE SET NULL.

Needs the PG* variables (pg_virtualenv) naming a superuser, who only creates
the role and its empty database; Debian's python3-alembic,
python3-sqlalchemy, python3-psycopg2 (hence /usr/bin/python3).  Prints TAP.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
LIB = os.path.join(TOP, "test", "lib")
HELPER = os.path.join(TOP, "python", "flashcard_schema_alembic")
sys.path[:0] = [LIB, HELPER]

try:
    import alembic
    import alembic.command
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.orm import Session

    import app_tables
    import flashcard_schema_alembic as fsa
    import models
    from taplib import Databases, Tap, url_for
except Exception:  # noqa: BLE001
    print("Bail out! cannot import SQLAlchemy/Alembic/psycopg2, test/lib or the helper "
          "(apt-get install python3-sqlalchemy python3-alembic python3-psycopg2; "
          "run with /usr/bin/python3)")
    for line in traceback.format_exc().splitlines():
        print("# " + line)
    sys.exit(255)

tap = Tap()
dbs = Databases()
ROLE = "flashcard_app_alembic_project_app"
PASSWORD = "app_alembic_project_pw"
DB = "flashcard_schema_test_app_alembic_project"
CORE = ("users", "user_settings", "refresh_tokens", "decks", "cards",
        "user_deck_progress", "card_statistics", "reviews")
ALL = CORE + app_tables.APP_TABLES
COMPARE = {"compare_type": True, "compare_server_default": True}


def versions():
    """(previous, latest): latest is the revision the app's models describe
    (test/lib/models.py's REVISION, not the control file's default, which a
    later revision moves on), the previous one the source of the update
    script into it."""
    latest = models.REVISION
    prev = [re.match(r"flashcard_schema--(.+)--%s\.sql$" % re.escape(latest),
                     os.path.basename(p)).group(1)
            for p in glob.glob(os.path.join(TOP, "flashcard_schema--*--%s.sql" % latest))]
    # revisions only: not adoption's pseudo-versions (alembic-<head>, detached)
    prev = [p for p in prev if re.fullmatch(r"[0-9]+\.[0-9]+", p)
            and tuple(map(int, p.split("."))) < tuple(map(int, latest.split(".")))]
    return max(prev, key=lambda v: tuple(map(int, v.split(".")))), latest


PREVIOUS, LATEST = versions()


def app_url():
    url = url_for(DB)
    return url.set(username=ROLE, password=PASSWORD)


ENV_PY = '''\
"""The app's alembic/env.py (online mode), with the helper."""
from alembic import context
from sqlalchemy import create_engine, pool

import flashcard_schema_alembic
import models
import app_tables  # noqa: F401 - adds the app's own tables to Base.metadata

target_metadata = models.Base.metadata

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        **flashcard_schema_alembic.alembic_filters(connection),
    )
    with context.begin_transaction():
        context.run_migrations()
'''

MAKO = '''\
"""${message}"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''

MIGRATION_0001 = '''\
"""the core schema: flashcard_schema %(prev)s (and uuid-ossp for the app's id defaults)"""
from alembic import op

import flashcard_schema_alembic

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"')
    flashcard_schema_alembic.create_extension(op, "%(prev)s")


def downgrade():
    flashcard_schema_alembic.drop_extension(op)
    op.execute('DROP EXTENSION IF EXISTS "uuid-ossp"')
'''

MIGRATION_0002 = '''\
"""the core schema to flashcard_schema %(latest)s (the app's January columns)"""
from alembic import op

import flashcard_schema_alembic

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    flashcard_schema_alembic.update_extension(op, "%(latest)s")


def downgrade():
    flashcard_schema_alembic.update_extension(op, "%(prev)s")
'''

MIGRATION_0004 = '''\
"""the app's own views and function over the core"""
from alembic import op

revision = "0004"
down_revision = "%(r3)s"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""CREATE VIEW learner_review_stats AS
                  SELECT r.user_id, count(*) AS reviews, avg(r.quality) AS avg_quality
                    FROM reviews r GROUP BY r.user_id""")
    op.execute("CREATE VIEW schema_health AS SELECT * FROM flashcard_schema_status()")
    op.execute("""CREATE FUNCTION app_total_xp(learner uuid) RETURNS integer
                  LANGUAGE sql STABLE
                  AS 'SELECT COALESCE(sum(amount), 0)::integer FROM xp_transactions
                       WHERE user_id = learner'""")


def downgrade():
    op.execute("DROP FUNCTION app_total_xp(uuid)")
    op.execute("DROP VIEW schema_health")
    op.execute("DROP VIEW learner_review_stats")
'''


class Project:
    """A temporary Alembic project; run() is the alembic command line."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="app_alembic_project.")
        os.makedirs(os.path.join(self.dir, "alembic", "versions"))
        self.ini = os.path.join(self.dir, "alembic.ini")
        with open(self.ini, "w") as f:
            f.write("[alembic]\nscript_location = %s\nsqlalchemy.url = %s\n" % (
                os.path.join(self.dir, "alembic"),
                app_url().render_as_string(hide_password=False).replace("%", "%%")))
        self.write("env.py", ENV_PY)
        self.write("script.py.mako", MAKO)
        self.write("versions/0001_core.py", MIGRATION_0001 % {"prev": PREVIOUS})
        self.write("versions/0002_core_update.py",
                   MIGRATION_0002 % {"prev": PREVIOUS, "latest": LATEST})

    def write(self, name, text):
        with open(os.path.join(self.dir, "alembic", name), "w") as f:
            f.write(text)

    def run(self, *args):
        """(exit status, stdout + stderr) of `alembic -c alembic.ini ARGS`."""
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([LIB, HELPER]))
        proc = subprocess.run([sys.executable, "-m", "alembic", "-c", self.ini] + list(args),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, cwd=self.dir)
        return proc.returncode, proc.stdout

    def ok(self, desc, *args):
        rc, out = self.run(*args)
        if rc != 0:
            tap.diag(out)
        return tap.ok(rc == 0, desc)

    def refused(self, desc, want, *args):
        """The command fails, and its output holds the extension's message."""
        rc, out = self.run(*args)
        found = [line for line in out.splitlines() if want in line]
        if rc == 0 or not found:
            tap.diag(out[-3000:])
        else:
            tap.diag("  " + found[-1].strip())
        return tap.ok(rc != 0 and bool(found), desc)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------


def engine():
    return sa.create_engine(app_url(), poolclass=sa.pool.NullPool)


def scalar(sql, **params):
    with engine().connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def run_sql(*statements):
    with engine().begin() as conn:
        for stmt in statements:
            conn.execute(sa.text(stmt))


def check(metadata=None, filtered=True, without=()):
    """Alembic's check: the autogenerate comparison with env.py's options
    (tables named in `without`: left out by the app's own include_object)."""
    def mine(obj, name, type_, reflected, compare_to):
        return not (type_ == "table" and name in without)

    with engine().connect() as conn:
        opts = dict(COMPARE, **(fsa.alembic_filters(conn, include_object=mine) if filtered else {}))
        mc = MigrationContext.configure(conn, opts=opts)
        return compare_metadata(mc, metadata or models.Base.metadata)


def rows():
    """{table: {id: row as JSON}} of all 21 tables (those that exist)."""
    out = {}
    with engine().connect() as conn:
        for t in ALL:
            if conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": t}).scalar() is None:
                continue
            out[t] = {r[0]: json.loads(r[1]) for r in conn.execute(sa.text(
                "SELECT id::text, row_to_json(x)::text FROM %s x" % t))}
    return out


def project(snapshot, columns):
    """The rows of a snapshot restricted to {table: [columns]}."""
    return {t: {i: {c: r.get(c) for c in columns[t]} for i, r in snapshot[t].items()}
            for t in columns}


def core_columns():
    with engine().connect() as conn:
        return {t: [r[0] for r in conn.execute(sa.text(
            """SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass)
                  AND attnum > 0 AND NOT attisdropped ORDER BY attnum"""), {"t": t})]
                for t in CORE}


def extension():
    with engine().connect() as conn:
        return tuple(conn.execute(sa.text(
            """SELECT extversion, extowner::regrole::text FROM pg_extension
                WHERE extname = 'flashcard_schema'""")).first() or ())


def alembic_head(proj):
    rc, out = proj.run("current")
    m = re.search(r"^(\w+) \(head\)|^(\w+)$", out, re.M)
    return (m.group(1) or m.group(2)) if m else out.strip().splitlines()[-1:]


FILL = """
INSERT INTO users (id, email, full_name, auth0_id, avatar_url) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'eleni@example.gr', 'Ελένη', 'auth0|eleni', 'avatars/a1/x.jpg'),
  ('a0000000-0000-4000-8000-000000000002', 'nikos@example.gr', 'Νίκος', NULL, NULL);
INSERT INTO user_settings (user_id, preferred_language, theme)
  VALUES ('a0000000-0000-4000-8000-000000000001', 'el', 'dark');
INSERT INTO refresh_tokens (user_id, token, expires_at)
  VALUES ('a0000000-0000-4000-8000-000000000001', 'rt-1', now() + interval '30 days');
INSERT INTO decks (id, name, level, is_premium, owner_id) VALUES
  ('d0000000-0000-4000-8000-000000000001', 'Χαιρετισμοί', 'A1', false, NULL),
  ('d0000000-0000-4000-8000-000000000002', 'Οι λέξεις μου', 'B1', true,
   'a0000000-0000-4000-8000-000000000001');
INSERT INTO cards (id, deck_id, front_text, back_text) VALUES
  ('c0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'Γεια', 'Hello'),
  ('c0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'θάλασσα', 'sea');
INSERT INTO user_deck_progress (user_id, deck_id) VALUES
  ('a0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001');
INSERT INTO card_statistics (user_id, card_id, status) VALUES
  ('a0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'REVIEW');
INSERT INTO reviews (user_id, card_id, quality, time_taken) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 5, 3),
  ('a0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 2, 8);
"""

FILL_APP = """
INSERT INTO feedback (id, user_id, title, description, category) VALUES
  ('f0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'Ήχος', 'Add audio', 'FEATURE_REQUEST');
INSERT INTO feedback_votes (user_id, feedback_id, vote_type) VALUES
  ('a0000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'UP');
INSERT INTO achievements (id, code, name, category, threshold) VALUES
  ('b0000000-0000-4000-8000-000000000001', 'streak_7', 'Επτά μέρες', 'STREAK', 7);
INSERT INTO user_achievements (user_id, achievement_id) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001');
INSERT INTO user_xp (user_id, total_xp) VALUES ('a0000000-0000-4000-8000-000000000001', 120);
INSERT INTO xp_transactions (user_id, amount, reason) VALUES
  ('a0000000-0000-4000-8000-000000000001', 100, 'review'),
  ('a0000000-0000-4000-8000-000000000001', 20, 'streak');
INSERT INTO notifications (user_id, type, title, message) VALUES
  ('a0000000-0000-4000-8000-000000000002', 'LEVEL_UP', 'Μπράβο', 'Level 2');
INSERT INTO culture_decks (id, name, category) VALUES
  ('e0000000-0000-4000-8000-000000000001', 'Ιστορία', 'history');
INSERT INTO culture_questions (id, deck_id, question_text, correct_option) VALUES
  ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'Πότε;', 2);
INSERT INTO culture_question_stats (user_id, question_id) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001');
INSERT INTO culture_answer_history (user_id, question_id, selected_option, is_correct) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 2, true);
INSERT INTO mock_exam_sessions (id, user_id) VALUES
  ('e2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002');
INSERT INTO mock_exam_answers (session_id, question_id, selected_option, is_correct) VALUES
  ('e2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 1, false);
"""


def test_project(proj):
    tap.is_(scalar("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles "
                   "WHERE rolname = current_user"), False,
            "the app connects as %s: no superuser, CREATEROLE or CREATEDB; it owns %s"
            % (ROLE, DB))
    proj.ok("alembic upgrade head on the empty database: 0001 CREATE EXTENSION "
            "flashcard_schema VERSION '%s', 0002 UPDATE TO '%s'" % (PREVIOUS, LATEST),
            "upgrade", "head")
    tap.is_(extension(), (LATEST, ROLE),
            "the extension is at %s, owned by the app's role" % LATEST)

    # 0003: the app's own tables, generated by autogenerate as the app would
    rc, out = proj.run("revision", "--autogenerate", "-m", "the app's own tables")
    tap.ok(rc == 0, "alembic revision --autogenerate for the app's own tables")
    path = (glob.glob(os.path.join(proj.dir, "alembic", "versions", "*own_tables*.py")) or [None])[0]
    body = open(path).read() if path else out
    created = sorted(re.findall(r"op\.create_table\('(\w+)'", body))
    tap.is_(created, sorted(app_tables.APP_TABLES),
            "the generated migration creates the app's 13 tables and nothing else")
    touched = sorted(set(re.findall(r"op\.\w+\('(%s)'" % "|".join(CORE), body)))
    tap.is_(touched, [], "... and no operation on the extension's eight tables "
            "(its keys into users are there: %d ForeignKeyConstraint to users.id)"
            % body.count("['users.id']"))
    tap.ok("postgresql.ENUM(name='cardstatus', create_type=False)" in body,
           "culture_question_stats.status is written as the extension's existing type "
           "cardstatus (create_type=False), the app's own enums as sa.Enum")
    # What app developers add by hand: autogenerate's downgrade drops the
    # tables but not their enum types.
    r3 = re.search(r"^revision = '(\w+)'", body, re.M).group(1)
    drops = "".join("\n    op.execute('DROP TYPE %s')" % t for t in app_tables.OWN_ENUMS)
    body = re.sub(r"(def downgrade\(\):\n(?:.*\n)*?    # ### end Alembic commands ###)",
                  lambda m: m.group(1) + drops, body, count=1)
    with open(path, "w") as f:
        f.write(body)
    proj.write("versions/0004_views.py", MIGRATION_0004 % {"r3": r3})

    proj.ok("alembic upgrade head: the app's 13 tables, then its views and function",
            "upgrade", "head")
    tap.is_(alembic_head(proj), "0004", "alembic current: 0004 (head)")
    tap.is_(scalar("""SELECT count(*) FROM pg_class WHERE relkind = 'r'
                       AND relnamespace = 'public'::regnamespace
                       AND relname <> 'alembic_version'"""), 21,
            "21 tables: the extension's eight and the app's 13")
    tap.is_(scalar("""SELECT string_agg(k, ', ' ORDER BY k) FROM (
                         SELECT conrelid::regclass::text || '.' || a.attname || '->' ||
                                confrelid::regclass::text || ' ' || confdeltype::text AS k
                           FROM pg_constraint c JOIN pg_attribute a
                             ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                          WHERE contype = 'f' AND confrelid = 'users'::regclass
                            AND conrelid::regclass::text <> ALL (:core)) keys""", core=list(CORE)),
            ", ".join(sorted("%s->users c" % k for k in app_tables.KEYS_INTO_CORE)),
            "the nine keys of the app's tables into users, ON DELETE CASCADE, made by its role")

    # the check
    got = check()
    for op in got:
        tap.diag("difference: %r" % (op,))
    tap.is_(len(got), 0, "Alembic's check with the helper: no difference (21 tables compared "
            "as the app's env.py does, the extension's eight left alone)")
    unfiltered = check(filtered=False)
    on_core = [op for op in unfiltered
               if (op[0][2] if isinstance(op, list) else
                   (op[2] if op[0].startswith("modify_") else getattr(op[1], "table", op[1]).name))
               in CORE]
    tap.is_((len(unfiltered), len(on_core)), (22, 22),
            "control: without the helper the same comparison reports 22 differences, all "
            "in the extension's tables (the contract's accepted differences)")
    if hasattr(alembic.command, "check"):
        proj.ok("alembic check (this Alembic has it): no difference", "check")
    else:
        tap.diag("Alembic %s has no `alembic check` (1.9+); compare_metadata above is it"
                 % alembic.__version__)

    # data in every table
    run_sql(FILL)
    run_sql(FILL_APP)
    before = rows()
    tap.is_(sorted(t for t, r in before.items() if r), sorted(ALL), "rows in all 21 tables")
    tap.is_(scalar("SELECT installed_version FROM schema_health"), LATEST,
            "the app's view over flashcard_schema_status() reads it")
    tap.is_(scalar("SELECT app_total_xp('a0000000-0000-4000-8000-000000000001')"), 120,
            "the app's function over its own table")

    proj.ok("alembic downgrade -1 (0004: its views and function) with data in every table",
            "downgrade", "-1")
    proj.ok("alembic upgrade head again", "upgrade", "head")
    tap.is_(rows(), before, "every row of the 21 tables is unchanged")
    tap.is_(len(check()), 0, "the check is clean again")

    # downgrading into the extension with its 1.4 data at stake: refused
    proj.refused("alembic downgrade 0001 (app tables dropped, then the extension to %s): "
                 "refused by the extension, its January columns hold data" % PREVIOUS,
                 "would discard", "downgrade", "0001")
    tap.is_((alembic_head(proj), rows()), ("0004", before),
            "... Alembic rolled the whole run back: still at 0004, every row of the 21 "
            "tables there")
    proj.refused("alembic downgrade base with rows in the core: refused",
                 "would discard", "downgrade", "base")
    tap.is_(rows(), before, "... nothing lost")

    # clear the January columns, then go down for real, and up again
    run_sql("UPDATE users SET auth0_id = NULL, avatar_url = NULL",
            "UPDATE user_settings SET preferred_language = NULL, theme = NULL",
            "UPDATE decks SET is_premium = false, owner_id = NULL")
    kept = rows()
    proj.ok("with those columns cleared, alembic downgrade 0001: the app's tables go "
            "(its own migration), the extension goes down to %s" % PREVIOUS,
            "downgrade", "0001")
    tap.is_((extension()[0], alembic_head(proj)), (PREVIOUS, "0001"),
            "at %s, Alembic at 0001" % PREVIOUS)
    cols = core_columns()
    tap.is_(project(rows(), cols), project(kept, cols),
            "every row of the eight core tables kept")
    tap.is_(sorted(set((op[0], getattr(op[1], "table", op[1]).name) for op in check())),
            sorted([("add_table", t) for t in app_tables.APP_TABLES]
                   + [("add_index", t.name) for t in models.Base.metadata.sorted_tables
                      if t.name in app_tables.APP_TABLES and t.indexes]),
            "the check with the helper at %s (before the app's migrations): the app's 13 "
            "tables to add, nothing on the extension's (the models' January columns "
            "included)" % PREVIOUS)
    proj.refused("alembic downgrade base with rows in the core: the DROP guard refuses "
                 "DROP EXTENSION", "would drop the tables of flashcard_schema", "downgrade", "base")
    tap.is_(extension()[0], PREVIOUS, "... still installed")
    proj.ok("alembic upgrade head again", "upgrade", "head")
    tap.is_(project(rows(), cols), project(kept, cols), "every core row still there")
    tap.is_(len(check()), 0, "the check is clean at head")
    run_sql(FILL_APP)
    tap.is_(sorted(t for t, r in rows().items() if r), sorted(ALL),
            "the app writes its own tables again: rows in all 21")


def test_cascade_and_reset():
    # through SQL
    run_sql("UPDATE decks SET owner_id = 'a0000000-0000-4000-8000-000000000002' "
            "WHERE id = 'd0000000-0000-4000-8000-000000000002'")
    run_sql("DELETE FROM users WHERE id = 'a0000000-0000-4000-8000-000000000002'")
    left = scalar("""SELECT (SELECT count(*) FROM feedback_votes) + (SELECT count(*) FROM notifications)
                          + (SELECT count(*) FROM mock_exam_sessions) + (SELECT count(*) FROM mock_exam_answers)
                          + (SELECT count(*) FROM decks WHERE owner_id IS NOT NULL)""")
    tap.is_(left, 0, "DELETE of a learner in SQL cascades into the app's rows "
            "(votes, notifications, mock exams and their answers) and its own decks")
    # through the ORM
    with Session(engine()) as s:
        user = s.get(models.User, __import__("uuid").UUID("a0000000-0000-4000-8000-000000000001"))
        s.delete(user)
        s.commit()
    left = scalar("""SELECT (SELECT count(*) FROM feedback) + (SELECT count(*) FROM user_xp)
                          + (SELECT count(*) FROM xp_transactions) + (SELECT count(*) FROM user_achievements)
                          + (SELECT count(*) FROM culture_question_stats)
                          + (SELECT count(*) FROM culture_answer_history)""")
    tap.is_(left, 0, "deleting a learner through the ORM cascades into the app's rows too")
    tap.is_(scalar("SELECT count(*) FROM achievements"), 1,
            "... and not into rows not keyed to the learner")
    # the seed-and-reset service
    run_sql(FILL.split("INSERT INTO user_settings")[0])
    run_sql("TRUNCATE TABLE reviews RESTART IDENTITY CASCADE")
    tap.is_(scalar("SELECT count(*) FROM reviews"), 0,
            "the app's seed-and-reset: TRUNCATE TABLE reviews RESTART IDENTITY CASCADE as its role")
    with engine().begin() as conn:
        fsa.empty_tables(conn, models.Base.metadata)
    tap.is_(scalar("SELECT " + " + ".join("(SELECT count(*) FROM %s)" % t for t in ALL)), 0,
            "the fixture's reset (empty_tables): one TRUNCATE of all 21 tables, as its role")


# The app of July 2026 has more: a table keyed into decks ON DELETE SET NULL
# with a column typed decklevel.  Made in SQL by the app's role, for the
# routes below (after the check: its models do not declare it).
JULY = """
CREATE TABLE deck_reports (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    deck_id uuid REFERENCES decks (id) ON DELETE SET NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level decklevel NOT NULL,
    note text);
INSERT INTO deck_reports (deck_id, user_id, level) VALUES
  ('d0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'A1'),
  ('d0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', 'C1');
"""


def attempt(sql):
    """(SQLSTATE, first line of the message) of SQL run by the app's role in
    its own transaction; ("00000", None) when it worked."""
    raw = engine().raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        raw.commit()
        return "00000", None
    except Exception as exc:  # noqa: BLE001 - psycopg2's error carries the SQLSTATE
        raw.rollback()
        code = getattr(exc, "pgcode", None) or "?"
        tap.diag("  %s: %s" % (code, str(exc).strip().replace("\n", "\n    ")))
        return code, str(exc).splitlines()[0]
    finally:
        raw.close()


def everything():
    """Every row of every table of the database (the app's, the extension's,
    alembic_version), as JSON, for before/after comparisons."""
    with engine().connect() as conn:
        tables = [r[0] for r in conn.execute(sa.text(
            """SELECT relname FROM pg_class WHERE relkind = 'r'
                  AND relnamespace = 'public'::regnamespace ORDER BY relname"""))]
        return {t: sorted(r[0] for r in conn.execute(sa.text(
            "SELECT row_to_json(x)::text FROM %s x" % t))) for t in tables}


def test_routes(proj):
    run_sql(FILL, FILL_APP, JULY)
    before = everything()
    tap.is_(len([t for t, r in before.items() if r]), 23,
            "routes with the app's objects in place: rows in its 14 tables (the 13 and a "
            "July table keyed into decks ON DELETE SET NULL with a decklevel column), the "
            "extension's eight and alembic_version; its two views and a function")

    # the DROP guard
    for stmt in ("DROP EXTENSION flashcard_schema", "DROP EXTENSION flashcard_schema CASCADE"):
        code, msg = attempt(stmt)
        tap.ok(code == "55000" and "would drop the tables of flashcard_schema" in msg,
               "%s, as the app's role: the DROP guard refuses (55000)" % stmt)
    tap.is_(everything(), before, "... nothing changed")

    # downgrades and updates
    code, msg = attempt("ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")
    tap.ok(code == "2BP01" and "learner_review_stats" in (msg or "") or
           code == "2BP01" and "schema_health" in (msg or ""),
           "downgrade to 1.2 (reviews.quality retyped, status() re-created): refused in the "
           "extension's words (2BP01), naming the app's view that depends on it")
    tap.is_(everything(), before, "... nothing changed")
    code, msg = attempt("ALTER EXTENSION flashcard_schema UPDATE TO '1.0'")
    tap.ok(code == "2BP01" and "flashcard_schema" in (msg or ""),
           "downgrade to 1.0 (decklevel rebuilt without C1, C2; reviews retyped): refused "
           "in the extension's words (2BP01)")
    tap.is_(everything(), before, "... nothing changed")
    run_sql("DROP VIEW learner_review_stats", "DROP VIEW schema_health")
    code, msg = attempt("ALTER EXTENSION flashcard_schema UPDATE TO '1.0'")
    tap.ok(code == "2BP01" and "deck_reports" in (msg or ""),
           "without the views, downgrade to 1.0: refused (2BP01) naming the app's column "
           "deck_reports.level of type decklevel")
    tap.is_(everything(), {t: r for t, r in before.items()}, "... nothing changed")
    run_sql(MIGRATION_0004.split('op.execute("""')[1].split('""")')[0],
            "CREATE VIEW schema_health AS SELECT * FROM flashcard_schema_status()")
    run_sql("UPDATE users SET auth0_id = NULL, avatar_url = NULL",
            "UPDATE user_settings SET preferred_language = NULL, theme = NULL",
            "UPDATE decks SET is_premium = false, owner_id = NULL")
    kept = everything()
    code, _ = attempt("ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % PREVIOUS)
    tap.is_(code, "00000", "downgrade to %s with the app's tables keyed into users and decks, "
            "its views and decklevel column in place (the January columns cleared)" % PREVIOUS)
    code, _ = attempt("ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % LATEST)
    tap.is_(code, "00000", "... and the update back to %s" % LATEST)
    tap.is_(everything(), kept, "every row of every table kept through both")
    tap.is_(scalar("SELECT installed_version FROM schema_health"), LATEST,
            "the app's view over flashcard_schema_status() reads the new version")
    tap.is_(len(check(without=["deck_reports"])), 0,
            "Alembic's check (the July table, made in SQL, left out by the app's own "
            "include_object, composed with the helper's): still clean")

    # dump and restore as the app's role
    tmp = tempfile.mkdtemp(prefix="app_alembic_dump.")
    try:
        env = dict(os.environ, PGUSER=ROLE, PGPASSWORD=PASSWORD)
        dump = os.path.join(tmp, "app.dump")
        r1 = subprocess.run(["pg_dump", "-Fc", "-f", dump, DB], env=env,
                            stderr=subprocess.PIPE, universal_newlines=True)
        with dbs.admin().connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s_restored" WITH (FORCE)' % DB))
            conn.execute(sa.text("CREATE DATABASE %s_restored OWNER %s TEMPLATE template0 "
                                 "ENCODING 'UTF8'" % (DB, ROLE)))
        r2 = subprocess.run(["pg_restore", "--exit-on-error", "--single-transaction",
                             "-d", DB + "_restored", dump], env=env,
                            stderr=subprocess.PIPE, universal_newlines=True)
        for r in (r1, r2):
            if r.returncode:
                tap.diag(r.stderr)
        tap.ok(r1.returncode == 0 and r2.returncode == 0,
               "pg_dump -Fc and pg_restore --single-transaction into a new database, as the "
               "app's role, with its tables keyed into the extension's")
        saved = globals()["DB"]
        globals()["DB"] = DB + "_restored"
        try:
            tap.is_(everything(), kept, "every row of every table restored")
            tap.is_(len(check(without=["deck_reports"])), 0,
                    "Alembic's check on the restored database: clean")
            tap.is_(scalar("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                           "AND confrelid IN ('users'::regclass, 'decks'::regclass) "
                           "AND conrelid::regclass::text <> ALL (:core)", core=list(CORE)),
                    len(app_tables.KEYS_INTO_CORE) + 2,
                    "... with the app's keys into users and decks (restored with the "
                    "granted REFERENCES)")
        finally:
            globals()["DB"] = saved
            with dbs.admin().connect() as conn:
                conn.execute(sa.text('DROP DATABASE IF EXISTS "%s_restored" WITH (FORCE)' % DB))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # Every update from 1.0 with an app column typed decklevel: the labels
    # C1, C2 arrive (ALTER TYPE ... ADD VALUE), the column and its rows stay.
    with dbs.admin().connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS "%s_from_1_0" WITH (FORCE)' % DB))
        conn.execute(sa.text("CREATE DATABASE %s_from_1_0 OWNER %s TEMPLATE template0 "
                             "ENCODING 'UTF8'" % (DB, ROLE)))
    saved = globals()["DB"]
    globals()["DB"] = DB + "_from_1_0"
    try:
        run_sql("CREATE EXTENSION flashcard_schema VERSION '1.0'",
                "CREATE TABLE level_goals (learner text PRIMARY KEY, level decklevel NOT NULL)",
                "INSERT INTO level_goals VALUES ('eleni', 'B2'), ('nikos', 'A1')")
        code, _ = attempt("ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % LATEST)
        tap.is_((code, extension()[0]), ("00000", LATEST),
                "as the app's role, 1.0 updated to %s in one command with the app's column typed "
                "decklevel in place" % LATEST)
        run_sql("INSERT INTO level_goals VALUES ('maria', 'C2')")
        tap.is_(scalar("SELECT string_agg(learner || ':' || level, ',' ORDER BY level) FROM level_goals"),
                "nikos:A1,eleni:B2,maria:C2",
                "... its rows kept, and the new label C2 usable in it, ordered after B2")
    finally:
        globals()["DB"] = saved
        with dbs.admin().connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s_from_1_0" WITH (FORCE)' % DB))

    # ON DELETE SET NULL
    run_sql("DELETE FROM decks WHERE id = 'd0000000-0000-4000-8000-000000000002'")
    tap.is_(scalar("SELECT count(*) FROM deck_reports WHERE deck_id IS NULL"), 1,
            "deleting a deck sets the app's deck_reports.deck_id to NULL (ON DELETE SET NULL)")


def main():
    tap.diag("SQLAlchemy %s, Alembic %s; versions %s -> %s"
             % (sa.__version__, alembic.__version__, PREVIOUS, LATEST))
    proj = None
    admin = dbs.admin()
    try:
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % DB))
            conn.execute(sa.text("DROP ROLE IF EXISTS %s" % ROLE))
            conn.execute(sa.text("CREATE ROLE %s LOGIN PASSWORD '%s'" % (ROLE, PASSWORD)))
            conn.execute(sa.text("CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0"
                                 % (DB, ROLE)))
        proj = Project()
        for fn in (lambda: test_project(proj), test_cascade_and_reset,
                   lambda: test_routes(proj)):
            try:
                fn()
            except Exception:  # noqa: BLE001
                tap.diag(traceback.format_exc())
                tap.ok(False, "ran to the end")
    finally:
        if proj is not None:
            proj.cleanup()
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % DB))
            conn.execute(sa.text("DROP ROLE IF EXISTS %s" % ROLE))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
