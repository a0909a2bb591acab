"""users.auth0_id and its unique index (2026-01-08)

Revision ID: 1aef63b5f6f5
Revises: 2c5f04bd7dfd
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "1aef63b5f6f5"
down_revision = "2c5f04bd7dfd"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("auth0_id", sa.String(length=255), nullable=True,
                                     comment="Auth0 user identifier (sub claim)"))
    op.create_index(op.f("ix_users_auth0_id"), "users", ["auth0_id"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_users_auth0_id"), table_name="users")
    op.drop_column("users", "auth0_id")
