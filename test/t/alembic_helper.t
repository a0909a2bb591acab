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
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
PACKAGE = os.path.join(HERE, "..", "..", "python", "flashcard_schema_alembic")

from taplib import Tap, run_pytest  # noqa: E402

tap = Tap()


def main():
    try:
        import pytest  # noqa: F401
    except ImportError:
        tap.bail("cannot import pytest (apt-get install python3-pytest; run with /usr/bin/python3)")
    tap.is_(run_pytest(tap, PACKAGE, ["tests"]), 0, "pytest exits 0")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
