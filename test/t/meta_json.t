#!/usr/bin/python3
"""META.json, the PGXN distribution metadata, against the PGXN Meta Spec 1.0.0
(https://pgxn.org/meta/spec.txt: its required keys and their types, semantic
versions, version ranges of prerequisites) and against this tree: its versions
are the control file's default_version (as a semantic version: "1.3" is
"1.3.0"), its provides.file exists, and the supported PostgreSQL range says 15
to 18.  debian/changelog's version is the same default_version.  No network,
no server.  Prints TAP.
"""

import json
import os
import re
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
n = 0
failed = 0


def ok(cond, desc, diag=None):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, desc))
    if not cond:
        failed += 1
        if diag:
            print("\n".join("# " + line for line in str(diag).splitlines()))
    return cond


SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+)?$")
# A prerequisite: 0 (any version), a version, or comma-separated "op version" ranges.
RANGE = re.compile(r"^\s*(==|!=|>=|<=|>|<)?\s*(\S+)\s*$")
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd",
            "freebsd", "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1",
            "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5",
            "postgresql", "qpl_1_0", "ssleay", "sun", "zlib", "open_source",
            "restricted", "unrestricted", "unknown"}
PHASES = {"configure", "build", "runtime", "test", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}


def semver_of(version):
    """A PostgreSQL-style "1.3" as the semantic version "1.3.0"."""
    parts = version.split(".")
    return ".".join(parts + ["0"] * (3 - len(parts)))


def valid_prereq(value):
    if value == 0 or value == "0":
        return True
    if not isinstance(value, str):
        return False
    for part in value.split(","):
        m = RANGE.match(part)
        if not m or not SEMVER.match(m.group(2)):
            return False
    return True


def version_in(version, spec):
    """Whether the semantic version satisfies a range such as ">= 15.0.0, < 19.0.0"."""
    key = lambda v: tuple(int(x) for x in v.split("-")[0].split("."))
    ops = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
           "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b}
    if spec == 0 or spec == "0":
        return True
    for part in spec.split(","):
        op, v = RANGE.match(part).groups()
        if not ops[op or ">="](key(version), key(v)):
            return False
    return True


with open(os.path.join(TOP, "flashcard_schema.control")) as f:
    control = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M).group(1)

try:
    with open(os.path.join(TOP, "META.json")) as f:
        meta = json.load(f)
    ok(isinstance(meta, dict), "META.json is a JSON object")
except (OSError, ValueError) as e:
    ok(False, "META.json is a JSON object", e)
    print("1..%d" % n)
    sys.exit(1)

# The spec's required keys, and their types.
for key, kind in (("name", str), ("abstract", str), ("version", str), ("maintainer", (str, list)),
                  ("license", (str, list, dict)), ("provides", dict), ("meta-spec", dict)):
    ok(isinstance(meta.get(key), kind), "required key %s is present, a %s" % (
        key, kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)),
       "found %r" % (meta.get(key),))

ok(re.match(r"^[^/\\\s]{2,}$", meta.get("name", "")) is not None,
   "name has at least two characters, no slash, backslash or space")
ok(meta.get("meta-spec", {}).get("version") == "1.0.0", "meta-spec version is 1.0.0")
ok(SEMVER.match(meta.get("version", "")) is not None, "version is a semantic version", meta.get("version"))
ok(meta.get("version") == semver_of(control),
   "version is the control file's default_version %s" % control, "found %r" % meta.get("version"))
maintainers = meta.get("maintainer")
ok(all(isinstance(m, str) and m for m in (maintainers if isinstance(maintainers, list) else [maintainers])),
   "maintainer is a string or a list of strings")
licenses = meta.get("license")
ok(licenses in LICENSES if isinstance(licenses, str)
   else all(l in LICENSES for l in licenses) if isinstance(licenses, list)
   else isinstance(licenses, dict) and len(licenses) > 0,
   "license is one of the spec's license strings", licenses)

provides = meta.get("provides", {})
ok(list(provides) == ["flashcard_schema"], "provides exactly the extension flashcard_schema", list(provides))
ext = provides.get("flashcard_schema", {})
ok(isinstance(ext.get("file"), str) and isinstance(ext.get("version"), str),
   "provides.flashcard_schema has the required file and version")
ok(ext.get("version") == semver_of(control),
   "provides.flashcard_schema.version is the control file's default_version %s" % control, ext.get("version"))
ok(os.path.isfile(os.path.join(TOP, ext.get("file", ""))), "provides.flashcard_schema.file exists", ext.get("file"))
ok(ext.get("file") == "flashcard_schema--%s.sql" % control,
   "provides.flashcard_schema.file is the default version's install script", ext.get("file"))

prereqs = meta.get("prereqs", {})
ok(isinstance(prereqs, dict) and set(prereqs) <= PHASES and all(
       isinstance(rels, dict) and set(rels) <= RELATIONS and all(
           isinstance(mods, dict) and all(valid_prereq(v) for v in mods.values())
           for mods in rels.values())
       for rels in prereqs.values()),
   "prereqs: phases, relations and version ranges as the spec allows", prereqs)
pg = prereqs.get("runtime", {}).get("requires", {}).get("PostgreSQL")
ok(pg is not None and all(version_in(v, pg) for v in ("15.0.0", "16.0.0", "17.0.0", "18.0.0"))
   and not any(version_in(v, pg) for v in ("14.0.0", "19.0.0")),
   "runtime requires PostgreSQL 15 to 18", pg)

# debian/changelog: a native package whose version is the default_version.
with open(os.path.join(TOP, "debian", "changelog")) as f:
    first = f.readline()
m = re.match(r"^flashcard-schema \(([^)]*)\)", first)
ok(m is not None and m.group(1).split("-")[0] == control,
   "debian/changelog's version is the control file's default_version %s" % control, first.strip())

print("1..%d" % n)
sys.exit(1 if failed else 0)
