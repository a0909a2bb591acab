"""Alembic environment of test/lib/app_alembic: online migrations only.

Connects through libpq's PG* variables to database ADOPT_DB as role
ADOPT_ROLE (the app's role, which owns what it creates), one transaction per
migration run, as the app's env.py does.
"""
import os

import sqlalchemy as sa
from alembic import context


def run_migrations_online():
    engine = sa.create_engine(
        "postgresql+psycopg2://",
        connect_args={"dbname": os.environ["ADOPT_DB"], "user": os.environ["ADOPT_ROLE"]},
        poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None,
                          compare_type=True, compare_server_default=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
