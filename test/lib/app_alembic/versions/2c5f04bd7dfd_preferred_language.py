"""user_settings.preferred_language (2025-12-19)

Revision ID: 2c5f04bd7dfd
Revises: d606f59197e7
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "2c5f04bd7dfd"
down_revision = "d606f59197e7"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user_settings", sa.Column("preferred_language", sa.String(length=10), nullable=True,
                                             comment="ISO 639-1 language code (e.g., 'en', 'el')"))


def downgrade():
    op.drop_column("user_settings", "preferred_language")
