"""user_settings.theme (2026-01-13)

Revision ID: f9230d7fa07a
Revises: 1aef63b5f6f5
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "f9230d7fa07a"
down_revision = "1aef63b5f6f5"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user_settings", sa.Column("theme", sa.String(length=10), nullable=True,
                                             comment="User's preferred theme: 'light' or 'dark'"))


def downgrade():
    op.drop_column("user_settings", "theme")
