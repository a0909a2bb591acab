"""Alembic environment of test/lib/app_alembic.

Online: connects through libpq's PG* variables to database ADOPT_DB as role
ADOPT_ROLE (the app's role, which owns what it creates), one transaction per
migration run, as the app's env.py does.  Offline (`upgrade --sql`): prints
the PostgreSQL the migrations run.
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


def run_migrations_offline():
    context.configure(dialect_name="postgresql", literal_binds=True, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
