#!/usr/bin/python3
"""The Alembic helper package's own tests (python/flashcard_schema_alembic/tests),
run with pytest, each test one TAP line.

The helper (flashcard_schema_alembic) is what an application's alembic/env.py
imports so that autogenerate and Alembic's check leave the extension's
objects alone, what its migrations call to own the extension's version, and
what its test fixture uses to make and drop only its own tables.  Its tests
make their own databases on the server the PG* variables name (as a
superuser; pg_virtualenv sets them) and drop them again.

Needs Debian's python3-pytest (and python3-sqlalchemy, python3-alembic,
python3-psycopg2), hence /usr/bin/python3.
"""

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
PACKAGE = os.path.join(HERE, "..", "..", "python", "flashcard_schema_alembic")

from taplib import Tap  # noqa: E402

tap = Tap()


def main():
    try:
        import pytest  # noqa: F401
    except ImportError:
        tap.bail("cannot import pytest (apt-get install python3-pytest; run with /usr/bin/python3)")
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "junit.xml")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "--junitxml", report, "tests"],
            cwd=PACKAGE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            universal_newlines=True)
        if not os.path.exists(report):
            tap.diag(proc.stdout)
            tap.bail("pytest wrote no report")
        cases = ET.parse(report).getroot().iter("testcase")
        for case in cases:
            bad = case.find("failure") if case.find("failure") is not None else case.find("error")
            name = "%s::%s" % (case.get("classname", "").split(".")[-1], case.get("name"))
            if case.find("skipped") is not None:
                tap.ok(True, "%s # SKIP %s" % (name, case.find("skipped").get("message", "")))
                continue
            if bad is not None:
                tap.diag((bad.get("message") or "") + "\n" + (bad.text or ""))
            tap.ok(bad is None, name)
        tap.is_(proc.returncode, 0, "pytest exits 0")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
