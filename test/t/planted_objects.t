#!/usr/bin/python3
"""No role can make a script or function of flashcard_schema run its code.

A role that owns the database (so, on PostgreSQL 15 and later, the schema
public, where the extension lives) plants, in public and in a second schema
of its own, shadowing objects for every operator and function the scripts
and functions could resolve by name: operators for every common pair of
argument types (exact signatures such as ||(text, bigint), =(text, text),
>(bigint, integer), =(name, name), =(anyenum, anyenum), prefix - and ~ ...),
functions named like the built-ins (format, current_setting, set_config,
count, now, gen_random_uuid, pg_extension_config_dump, lower, text, int4,
enum_range, array_position, ...), a count(*) aggregate, types named like
the built-in ones (text, int8, bool, uuid, varchar, timestamptz ...) and
like the extension's enums, tables named like the extension's tables, and a
view named like pg_available_extensions.  Each planted function, when run,
raises a WARNING "PLANTED", records itself in a log table and, if it runs as
a superuser, makes the planting role superuser (the real attack).

Then every route runs: as a superuser with search_path = public, evil (and
again with pg_catalog explicitly last: public, evil, pg_catalog), and as the
planting role itself (the extension is trusted, so its scripts then run as
the bootstrap superuser), with temporary types and tables of its own: install
at 1.0, 1.1, 1.2, 1.3 and 1.4; every update step; every downgrade step with data
at stake (refused), with the loss accepted, and while another session holds
a conflicting lock (lock_timeout); multi-step updates and downgrades;
verify(), assert(), status() and revision(); the DROP guard refusing and
allowing (from 1.4 also DROP INDEX, ALTER INDEX, ALTER EXTENSION ... ADD, and
what its sql_drop trigger sees dropped); adopting a database the
application's Alembic made (refused with an extra index, refused while
another session holds a table, then adopted), its update from there, and the
way out ('detached', DROP).  Nothing planted may run: no WARNING, no log row, and the planting
role is still not superuser.

The control at the start shows the trap works: the same planted
||(text, bigint) does run (and does make the role superuser) when a
superuser writes '...' || n with n bigint unqualified, the pattern the
released downgrade scripts used before their fix.

Needs a running server reachable through the PG* environment variables
(pg_virtualenv sets them) as a superuser, and python3-psycopg2.  Prints TAP.
"""

import os
import subprocess
import sys

import psycopg2
import psycopg2.extensions

DB = "flashcard_schema_test_planted"
# The revisions, in order, as the contract declares them
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                       "contract", "revisions.tsv")) as f:
    REVISIONS = [line.strip() for line in f
                 if line.strip() and not line.startswith("#")][1:]
ATTACKER = "flashcard_attacker"
PASSWORD = "planted_pw"

_n = 0
_failed = 0


def ok(cond, desc, diag=None):
    global _n, _failed
    _n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (_n, desc))
    if not cond:
        _failed += 1
        if diag:
            for line in str(diag).splitlines():
                print("# " + line)
    sys.stdout.flush()
    return cond


def is_(got, want, desc):
    return ok(got == want, desc, "got:  %r\nwant: %r" % (got, want))


class Notices(list):
    """Every message the server sent on a connection (psycopg2 trims plain lists)."""

    def append(self, msg):  # noqa: D401
        list.append(self, msg)


def connect(dbname, user=None, search_path=None):
    kw = {"dbname": dbname}
    if user:
        kw.update(user=user, password=PASSWORD)
    if search_path:
        kw["options"] = "-c search_path=%s" % search_path
    conn = psycopg2.connect(**kw)
    conn.autocommit = True
    conn.notices = Notices()
    return conn


def run(conn, sql):
    """Run sql; return its SQLSTATE ('00000' if it worked)."""
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
        return "00000"
    except psycopg2.Error as e:
        return e.pgcode or "?????"


def query(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


# --- the planted objects -----------------------------------------------------

PC = "pg_catalog."
TEXTISH = ["text", "varchar", "name", '"char"', "bpchar"]
NUMERIC = ["int8", "int4", "int2", "numeric", "float8", "float4", "oid"]
MISC = ["bool", "uuid", "timestamptz", "date", "regclass", "regtype", "text[]", "name[]"]
POLY = ["anyelement", "anyenum", "anynonarray", "anyarray", "anycompatible",
        "anycompatiblenonarray"]
OPERATORS = ["||", "=", "<>", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "^",
             "~~", "~~*", "!~~", "~", "@>", "<@", "&&"]


def qualify(t):
    return PC + t


def pairs(same_type):
    seen = []
    scalar = TEXTISH + NUMERIC
    for a in scalar:
        for b in scalar:
            seen.append((a, b))
    for x in MISC + POLY:
        seen += [(x, x), ("text", x), (x, "text"), (x, "int4"), ("int8", x)]
    for a in POLY:
        for b in POLY:
            seen.append((a, b))
    out = []
    for p in seen:
        if p not in out and (same_type or p[0] != p[1]):
            out.append(p)
    return out


def body(label, rettype):
    ret = "RETURN;" if rettype in ("void",) or rettype.startswith("TABLE") else "RETURN NULL;"
    return """$planted$
BEGIN
    RAISE WARNING 'PLANTED %% ran as %%', %s, current_user;
    INSERT INTO trap.hits (what, who, super)
    SELECT %s, current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
    IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
        EXECUTE 'ALTER ROLE %s SUPERUSER';
    END IF;
    %s
END
$planted$""" % (lit(label), lit(label), ATTACKER, ret)


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def planted_function(schema, name, args, rettype, label):
    return ("CREATE FUNCTION %s.%s(%s) RETURNS %s LANGUAGE plpgsql SET search_path = pg_catalog AS %s"
            % (schema, name, ", ".join(qualify(a) for a in args),
               rettype if rettype.startswith("TABLE") or rettype == "void" else qualify(rettype),
               body(label, rettype)))


# name, argument types, return type
FUNCTIONS = [
    ("format", ["text"], "text"), ("format", ["text", "text"], "text"),
    ("format", ["text", "int8"], "text"), ("format", ["text", "anyelement"], "text"),
    ("format", ["text", "text", "text"], "text"),
    ("current_setting", ["text"], "text"), ("current_setting", ["text", "bool"], "text"),
    ("set_config", ["text", "text", "bool"], "text"),
    ("now", [], "timestamptz"), ("gen_random_uuid", [], "uuid"),
    ("pg_extension_config_dump", ["regclass", "text"], "void"),
    ("pg_extension_config_dump", ["text", "text"], "void"),
    ("lower", ["text"], "text"), ("upper", ["text"], "text"), ("btrim", ["text"], "text"),
    ("length", ["text"], "int4"), ("replace", ["text", "text", "text"], "text"),
    ("concat", ["text", "text"], "text"), ("textcat", ["text", "text"], "text"),
    ("quote_ident", ["text"], "text"), ("quote_literal", ["text"], "text"),
    ("text", ["int8"], "text"), ("text", ["anyelement"], "text"), ("text", ["anyenum"], "text"),
    ("int4", ["text"], "int4"), ("int4", ["int8"], "int4"), ("int8", ["int4"], "int8"),
    ("bool", ["text"], "bool"), ("uuid", ["text"], "uuid"), ("regclass", ["text"], "regclass"),
    ("enum_range", ["anyenum"], "anyarray"), ("enum_in", ["cstring", "oid"], "anyenum"),
    ("array_position", ["anyarray", "anyelement"], "int4"),
    ("getdatabaseencoding", [], "name"), ("count", ["anyelement"], "int8"),
    ("count", ["int8"], "int8"), ("texteq", ["text", "text"], "bool"),
    ("nameeq", ["name", "name"], "bool"), ("int84gt", ["int8", "int4"], "bool"),
    ("int8gt", ["int8", "int8"], "bool"), ("has_table_privilege", ["text", "text"], "bool"),
    ("pg_get_expr", ["pg_node_tree", "oid"], "text"), ("format_type", ["oid", "int4"], "text"),
    ("pg_describe_object", ["oid", "oid", "int4"], "text"),
    ("string_to_array", ["text", "text"], "text[]"), ("array_to_string", ["anyarray", "text"], "text"),
    ("pg_sleep", ["float8"], "void"), ("coalesce", ["text", "text"], "text"),
    ("nullif", ["text", "text"], "text"), ("greatest", ["int8", "int8"], "int8"),
    ("pg_extension_update_paths", ["name"], "TABLE (source pg_catalog.text, target pg_catalog.text, path pg_catalog.text)"),
]

TYPES = ["text", "int4", "int8", "int2", "bool", "uuid", "varchar", "timestamptz", "float8",
         "date", "name", "numeric", "regclass", "oid", "event_trigger", "void", "bpchar", "jsonb"]
CONTRACT_TYPES = ["decklevel", "carddifficulty", "cardstatus", "reviewrating"]
CONTRACT_TABLES = ["users", "user_settings", "refresh_tokens", "decks", "cards",
                   "user_deck_progress", "card_statistics", "reviews"]


def plant(conn, schema, own_names, same_type):
    """Plant every shadowing object in schema; returns (created, attempted)."""
    created = attempted = 0
    stmts = []
    for i, (a, b) in enumerate(pairs(same_type)):
        sig = "(%s,%s)" % (a, b)
        stmts.append(planted_function(schema, "planted_bool_%d" % i, [a, b], "bool",
                                      "operator on %s in %s" % (sig, schema)))
        stmts.append(planted_function(schema, "planted_text_%d" % i, [a, b], "text",
                                      "operator || on %s in %s" % (sig, schema)))
        for op in OPERATORS:
            fn = "planted_text_%d" % i if op == "||" else "planted_bool_%d" % i
            stmts.append("CREATE OPERATOR %s.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %s.%s)"
                         % (schema, op, qualify(a), qualify(b), schema, fn))
    for i, t in enumerate(TEXTISH + NUMERIC + ["bool"]):
        stmts.append(planted_function(schema, "planted_prefix_%d" % i, [t], "bool",
                                      "prefix operator on %s in %s" % (t, schema)))
        for op in ["-", "~", "+", "@"]:
            stmts.append("CREATE OPERATOR %s.%s (RIGHTARG = %s, FUNCTION = %s.planted_prefix_%d)"
                         % (schema, op, qualify(t), schema, i))
    for name, args, ret in FUNCTIONS:
        stmts.append(planted_function(schema, name, args, ret,
                                      "function %s(%s) in %s" % (name, ",".join(args), schema)))
    stmts.append(planted_function(schema, "planted_count_sfunc", ["int8"], "int8",
                                  "aggregate count(*) in %s" % schema))
    stmts.append("CREATE AGGREGATE %s.count(*) (SFUNC = %s.planted_count_sfunc, STYPE = pg_catalog.int8)"
                 % (schema, schema))
    stmts.append("CREATE VIEW %s.pg_available_extensions AS SELECT 'flashcard_schema'::pg_catalog.name AS name, "
                 "'9.9'::pg_catalog.text AS default_version" % schema)
    for t in TYPES + (CONTRACT_TYPES if own_names else []):
        stmts.append("CREATE TYPE %s.%s AS ENUM ('planted')" % (schema, t))
    if own_names:
        for t in CONTRACT_TABLES:
            stmts.append("CREATE TABLE %s.%s (planted pg_catalog.int4)" % (schema, t))
    for s in stmts:
        attempted += 1
        if run(conn, s) == "00000":
            created += 1
    return created, attempted


def plant_temp(conn):
    """Temporary types and tables in the planting role's own session."""
    n = 0
    for t in TYPES + CONTRACT_TYPES:
        n += run(conn, "CREATE TYPE pg_temp.%s AS ENUM ('planted')" % t) == "00000"
    for t in CONTRACT_TABLES + ["pg_extension", "pg_class", "pg_depend"]:
        n += run(conn, "CREATE TEMP TABLE %s (planted pg_catalog.int4)" % t) == "00000"
    return n


# The application's Alembic migrations to a head the extension adopts, as SQL
# (test/lib/app_alembic, offline mode): the database adoption takes over.
# Each head with the revision its adoption updates to.
ADOPT_REVS = [("d606f59197e7", "1.3"), ("037928b86d1e", "1.4")]


def alembic_sql(ADOPT_REV):
    ini = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "app_alembic", "alembic.ini")
    sql = subprocess.run(["/usr/bin/python3", "-m", "alembic", "-c", ini, "upgrade", ADOPT_REV, "--sql"],
                         check=True, capture_output=True, text=True).stdout
    # Alembic's own "version_num = '...'" would run the role's own planted
    # =(varchar, varchar) as the role itself: its own code, no crossing, but
    # a hit in the log.  Only the extension's code is under test here.
    return sql.replace("alembic_version.version_num = '", "alembic_version.version_num OPERATOR(pg_catalog.=) '")


# --- the routes --------------------------------------------------------------

def main():
    admin = connect("postgres", search_path="pg_catalog")
    run(admin, "SET client_min_messages = warning")
    run(admin, "DROP ROLE IF EXISTS %s" % ATTACKER)
    ok(run(admin, "CREATE ROLE %s LOGIN PASSWORD '%s'" % (ATTACKER, PASSWORD)) == "00000",
       "an ordinary role")
    # Two plantings: every pair of argument types, and only mixed pairs.  With
    # same-type operators planted too, an unknown literal next to a bigint
    # resolves to ||(bigint, bigint), which fails to parse the literal rather
    # than run; planted alone, ||(text, bigint) is what the old scripts ran.
    try:
        for db, same_type, what in [(DB, True, "every pair of argument types"),
                                    (DB + "_mixed", False, "mixed pairs of argument types only")]:
            run(admin, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
            ok(run(admin, "CREATE DATABASE %s OWNER %s TEMPLATE template0 ENCODING 'UTF8'" % (db, ATTACKER)) == "00000",
               "[%s] a database owned by the role (and so its schema public)" % what)
            try:
                routes(db, same_type, what)
            finally:
                run(admin, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
    finally:
        run(admin, "DROP ROLE IF EXISTS %s" % ATTACKER)
    print("1..%d" % _n)
    return 0 if _failed == 0 else 1


def routes(DB, same_type, what):
    # The harness's own session sees pg_catalog only: none of its statements can hit a plant.
    harness = connect(DB, search_path="pg_catalog")
    holder = connect(DB, search_path="pg_catalog")
    ok(run(harness, """
        CREATE SCHEMA trap;
        CREATE TABLE trap.hits (id pg_catalog.int4 GENERATED ALWAYS AS IDENTITY, what pg_catalog.text,
                                who pg_catalog.name, super pg_catalog.bool);
        GRANT USAGE ON SCHEMA trap TO PUBLIC;
        GRANT SELECT, INSERT ON trap.hits TO PUBLIC""") == "00000",
       "[%s] a log table every role can write" % what)
    ok(run(harness, 'CREATE EXTENSION "uuid-ossp" SCHEMA public') == "00000",
       "[%s] uuid-ossp, which the application's ids default to" % what)

    attacker = connect(DB, user=ATTACKER, search_path="pg_catalog")
    is_(run(attacker, "CREATE SCHEMA evil"), "00000", "[%s] the role creates a second schema of its own" % what)
    created, attempted = plant(attacker, "public", own_names=False, same_type=same_type)
    ok(created > 4000, "[%s] planted in public: %d of %d shadowing operators, functions, types and views"
       % (what, created, attempted))
    created, attempted = plant(attacker, "evil", own_names=True, same_type=same_type)
    ok(created > 4000, "[%s] planted in evil: %d of %d (also types and tables named like the extension's)"
       % (what, created, attempted))
    attacker.close()

    def hits():
        return query(harness, "SELECT what, who::pg_catalog.text, super FROM trap.hits ORDER BY id")

    def is_superuser():
        return query(harness, "SELECT rolsuper FROM pg_roles WHERE rolname = '%s'" % ATTACKER)[0][0]

    # control: the trap works (the old downgrade scripts' pattern)
    control = connect(DB)
    run(control, "SET search_path = public, evil")
    if same_type:
        run(control, """DO $$ DECLARE n pg_catalog.int8 := 2; msg pg_catalog.text := 'Revision 1.0 has no such columns; ';
                        BEGIN RAISE NOTICE '%', msg || n; END $$""")
    else:
        # exactly the old scripts' expression
        run(control, """DO $$ DECLARE n pg_catalog.int8 := 2;
                        BEGIN RAISE NOTICE '%', 'Revision 1.0 has no such columns; ' || n || ' row(s) hold a value in them.'; END $$""")
    h = hits()
    ok(any(w == "operator || on (text,int8) in public" and su for w, _, su in h),
       "[%s] control: a superuser's unqualified || between text and a bigint runs the planted ||(text, bigint)" % what, h)
    ok(is_superuser(), "[%s] control: ... which makes the planting role superuser" % what)
    ok(any("PLANTED" in m for m in control.notices), "[%s] control: ... and its WARNING is seen" % what)
    control.close()
    run(harness, "ALTER ROLE %s NOSUPERUSER" % ATTACKER)
    run(harness, "TRUNCATE trap.hits")
    ok(not is_superuser() and not hits(), "[%s] (control undone: the role is ordinary again, the log empty)" % what)

    runners = [  # label, role (None: the superuser), search_path
        ("superuser, search_path public, evil", None, "public, evil"),
        ("superuser, search_path public, evil, pg_catalog", None, "public, evil, pg_catalog"),
        ("the planting role itself (trusted: scripts run as the bootstrap superuser)", ATTACKER, "public, evil"),
    ]
    for label, user, path in runners:
        label = "[%s] %s" % (what, label)
        conn = connect(DB, user=user)
        if user:
            ok(plant_temp(conn) >= 20, "%s: plants temporary types and tables in its own session too" % label)
        run(conn, "SET search_path = %s" % path)
        # The application's own connection: search_path as it has it (public,
        # pg_catalog implicitly first)
        app = connect(DB, user=ATTACKER, search_path="public")
        every_route(label, conn, harness, holder, owns_extension=user is not None, app=app)
        app.close()
        stray = [m.strip() for m in conn.notices if "PLANTED" in m]
        is_(stray, [], "%s: no planted object ran (no PLANTED warning)" % label)
        is_(hits(), [], "%s: the log is empty" % label)
        ok(not is_superuser(), "%s: the planting role is still not superuser" % label)
        conn.close()
    harness.close()
    holder.close()


def every_route(label, conn, harness, holder, owns_extension, app):
    def step(sql, want, what):
        is_(run(conn, sql), want, "%s: %s" % (label, what))

    def data(sql):
        state = run(harness, sql)
        if state != "00000":
            ok(False, "%s: (test data) %s" % (label, sql), state)

    def locked(table, target):
        holder.autocommit = False
        run(holder, "LOCK TABLE public.%s IN ACCESS SHARE MODE" % table)
        run(conn, "SET lock_timeout = '50ms'")
        step("ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % target, "55P03",
             "to %s while another session holds a lock on %s: gives up (lock_timeout)" % (target, table))
        run(conn, "RESET lock_timeout")
        holder.rollback()
        holder.autocommit = True

    def check_functions(version):
        step("SELECT pg_catalog.count(*) FROM public.flashcard_schema_verify() WHERE NOT ok", "00000",
             "at %s: verify()" % version)
        step("SELECT public.flashcard_schema_verify('1.0') LIMIT 1", "00000", "at %s: verify('1.0')" % version)
        if owns_extension and version in ("1.0", "1.1", "1.2"):
            # Before 1.3 the functions search pg_temp first for types, so this
            # session's temporary enum types make assert() report (false)
            # differences: wrong answers, no code run.  1.3 fixed it.
            state = run(conn, "SELECT public.flashcard_schema_assert()")
            ok(state in ("00000", "42P15"), "%s: at %s: assert() answers (its temporary types may "
               "fool it before 1.3, but run nothing)" % (label, version), state)
        else:
            step("SELECT public.flashcard_schema_assert()", "00000", "at %s: assert() is quiet" % version)
        step("SELECT public.flashcard_schema_revision()", "00000", "at %s: revision()" % version)
        step("SELECT * FROM public.flashcard_schema_status()", "00000", "at %s: status()" % version)

    data("SET flashcard_schema.allow_data_loss = on; DROP EXTENSION IF EXISTS flashcard_schema; RESET flashcard_schema.allow_data_loss")

    # every revision of the contract (contract/revisions.tsv), the latest included
    for version in REVISIONS:
        step("CREATE EXTENSION flashcard_schema VERSION '%s'" % version, "00000", "install at %s" % version)
        check_functions(version)
        step("DROP EXTENSION flashcard_schema", "00000", "DROP EXTENSION at %s (empty tables)" % version)

    step("CREATE EXTENSION flashcard_schema VERSION '1.0'", "00000", "install at 1.0 again")
    data("""INSERT INTO public.users (id, email) VALUES ('a0000000-0000-4000-8000-000000000001', 'eleni@example.gr');
            INSERT INTO public.decks (id, name, level) VALUES ('d0000000-0000-4000-8000-000000000001', 'Χαιρετισμοί', 'A1');
            INSERT INTO public.cards (id, deck_id, front_text, back_text)
            VALUES ('e0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'Γεια', 'Hi');
            INSERT INTO public.reviews (user_id, card_id, quality, time_taken)
            VALUES ('a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'GOOD', 3)""")
    locked("users", "1.1")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.1'", "00000", "update 1.0 -> 1.1")
    data("UPDATE public.users SET last_login_at = pg_catalog.now()")
    locked("users", "1.0")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.0'", "55000", "1.1 -> 1.0 with a last login at stake: refused")
    step("SET flashcard_schema.allow_data_loss = on; ALTER EXTENSION flashcard_schema UPDATE TO '1.0'; "
         "RESET flashcard_schema.allow_data_loss", "00000", "1.1 -> 1.0 with the loss accepted")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.2'", "00000", "update 1.0 -> 1.2 (two steps)")
    check_functions("1.2")
    data("INSERT INTO public.decks (name, level) VALUES ('Καβάφης', 'C1')")
    locked("decks", "1.1")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.1'", "55000", "1.2 -> 1.1 with a deck at C1: refused")
    step("BEGIN; SET LOCAL flashcard_schema.allow_data_loss = on; ALTER EXTENSION flashcard_schema UPDATE TO '1.1'; COMMIT",
         "00000", "1.2 -> 1.1 with the loss accepted (SET LOCAL)")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.2'", "00000", "update 1.1 -> 1.2")
    locked("reviews", "1.3")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.3'", "00000", "update 1.2 -> 1.3")
    check_functions("1.3")
    data("""INSERT INTO public.reviews (user_id, card_id, quality, time_taken)
            VALUES ('a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 5, 2)""")
    locked("reviews", "1.2")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.2'", "55000", "1.3 -> 1.2 with a quality of 5: refused")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.0'", "55000", "1.3 -> 1.0 in one statement: refused")
    step("SET flashcard_schema.allow_data_loss = on; ALTER EXTENSION flashcard_schema UPDATE TO '1.2'; "
         "RESET flashcard_schema.allow_data_loss", "00000", "1.3 -> 1.2 with the loss accepted")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.3'", "00000", "update 1.2 -> 1.3 again")
    locked("users", "1.4")
    locked("user_settings", "1.4")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.4'", "00000", "update 1.3 -> 1.4")
    check_functions("1.4")
    data("""UPDATE public.users SET auth0_id = 'auth0|1', avatar_url = 'avatars/1.jpg';
            INSERT INTO public.user_settings (user_id, preferred_language, theme)
            VALUES ('a0000000-0000-4000-8000-000000000001', 'el', 'dark');
            UPDATE public.decks SET is_premium = true, owner_id = 'a0000000-0000-4000-8000-000000000001'""")
    locked("decks", "1.3")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.3'", "55000", "1.4 -> 1.3 with data in its columns: refused")
    step("SET flashcard_schema.allow_data_loss = on; ALTER EXTENSION flashcard_schema UPDATE TO '1.3'; "
         "RESET flashcard_schema.allow_data_loss", "00000", "1.4 -> 1.3 with the loss accepted")
    data("ALTER TABLE public.users ADD COLUMN auth0_id pg_catalog.varchar(255); "
         "CREATE UNIQUE INDEX ix_users_auth0_id ON public.users USING btree (auth0_id)")
    step("ALTER EXTENSION flashcard_schema UPDATE TO '1.4'", "00000",
         "update 1.3 -> 1.4 again, taking over the index built beforehand (the two-step route)")
    data("UPDATE public.users SET last_login_at = pg_catalog.now(), auth0_id = 'auth0|1'; "
         "UPDATE public.decks SET level = 'C2', is_premium = true")
    step("SET flashcard_schema.allow_data_loss = on; ALTER EXTENSION flashcard_schema UPDATE TO '1.0'; "
         "RESET flashcard_schema.allow_data_loss", "00000", "1.4 -> 1.0 in one statement with the loss accepted")
    step("ALTER EXTENSION flashcard_schema UPDATE", "00000", "1.0 -> the default in one statement")
    check_functions("the default")
    # From 1.4: the guard at ddl_command_start on every command, and the one at
    # sql_drop (C, through the object access hook): refusing and allowing.
    step("DROP INDEX public.ix_users_email", "55000", "DROP INDEX with rows: refused by the guard")
    step("ALTER INDEX public.ix_users_email RENAME TO ix_users_mail", "55000", "ALTER INDEX with rows: refused by the guard")
    step("CREATE FUNCTION evil.member() RETURNS pg_catalog.int4 LANGUAGE sql AS 'SELECT 1'; "
         "ALTER EXTENSION flashcard_schema ADD FUNCTION evil.member()", "42501", "ALTER EXTENSION ... ADD: refused by the guard")
    step("BEGIN; SET LOCAL flashcard_schema.allow_data_loss = on; DROP INDEX public.ix_users_email; ROLLBACK",
         "00000", "DROP INDEX with the loss accepted")
    step("BEGIN; SET LOCAL flashcard_schema.allow_data_loss = on; CREATE TABLE evil.own (x pg_catalog.int4); "
         "CREATE VIEW evil.own_v AS SELECT x FROM evil.own; ALTER EXTENSION flashcard_schema ADD VIEW evil.own_v; "
         "SET LOCAL flashcard_schema.allow_data_loss = off; DROP TABLE evil.own CASCADE; COMMIT",
         "55000", "a member planted with the loss accepted, its table dropped with CASCADE: refused at sql_drop")
    run(conn, "ROLLBACK")
    if not owns_extension:
        step("ALTER TABLE public.cards DROP CONSTRAINT cards_deck_id_fkey", "55000",
             "ALTER TABLE ... DROP CONSTRAINT with rows: refused at sql_drop")
        step("BEGIN; SET LOCAL flashcard_schema.allow_data_loss = on; "
             "ALTER TABLE public.cards DROP CONSTRAINT cards_deck_id_fkey; ROLLBACK",
             "00000", "ALTER TABLE ... DROP CONSTRAINT with the loss accepted")
    step("DROP EXTENSION flashcard_schema", "55000", "DROP EXTENSION with rows: refused by the guard")
    step("DROP SCHEMA public CASCADE", "55000", "DROP SCHEMA public CASCADE with rows: refused by the guard")
    if owns_extension:
        step("DROP OWNED BY CURRENT_USER", "55000", "DROP OWNED BY the extension's owner with rows: refused by the guard")
    step("SET flashcard_schema.allow_data_loss = on; DROP EXTENSION flashcard_schema; "
         "RESET flashcard_schema.allow_data_loss", "00000", "DROP EXTENSION with the loss accepted")

    # Adoption of a database the application's Alembic made, and the way out
    for rev, base in ADOPT_REVS:
        adopt_route(label, conn, harness, holder, app, step, data, locked, check_functions, rev, base)


def adopt_route(label, conn, harness, holder, app, step, data, locked, check_functions, rev, base):
    """Adopt a database the application's Alembic made at head rev, update it, leave."""
    is_(run(app, alembic_sql(rev)), "00000", "%s: (test data) the app's Alembic makes its tables at %s, as the owner"
        % (label, rev))
    data("""INSERT INTO public.users (id, email, is_active, is_superuser)
            VALUES ('a0000000-0000-4000-8000-000000000001', 'eleni@example.gr', true, false)""")
    adopt = "CREATE EXTENSION flashcard_schema VERSION 'alembic-%s'" % rev
    run(app, "CREATE INDEX ix_planted_extra ON public.reviews (quality)")
    step(adopt, "42P15", "adopt %s with an extra index: refused" % rev)
    run(app, "DROP INDEX public.ix_planted_extra")
    holder.autocommit = False
    run(holder, "LOCK TABLE public.reviews IN ACCESS SHARE MODE")
    run(conn, "SET lock_timeout = '50ms'")
    step(adopt, "55P03", "adopt %s while another session holds a lock on reviews: gives up (lock_timeout)" % rev)
    run(conn, "RESET lock_timeout")
    holder.rollback()
    holder.autocommit = True
    step(adopt, "00000", "adopt the Alembic-made tables (alembic-%s)" % rev)
    check_functions("alembic-" + rev)
    locked("reviews", base)
    step("ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % base, "00000", "update alembic-%s -> %s" % (rev, base))
    check_functions(base)
    step("ALTER EXTENSION flashcard_schema UPDATE", "00000", "update to the default")
    step("ALTER EXTENSION flashcard_schema UPDATE TO 'detached'", "00000", "leave: UPDATE TO 'detached'")
    step("DROP EXTENSION flashcard_schema", "00000", "leave: DROP EXTENSION, the tables stay")
    # (IF EXISTS: a later default may have dropped one, as the test-only 1.5 drops refresh_tokens)
    data("""DROP TABLE IF EXISTS public.alembic_version, public.reviews, public.card_statistics, public.user_deck_progress,
                       public.cards, public.decks, public.refresh_tokens, public.user_settings, public.users;
            DROP TYPE public.decklevel, public.carddifficulty, public.cardstatus, public.reviewrating""")


if __name__ == "__main__":
    sys.exit(main())
