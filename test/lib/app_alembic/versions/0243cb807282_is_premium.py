"""decks.is_premium and its index (2026-01-15; the app did the same to its culture_decks)

Revision ID: 0243cb807282
Revises: f9230d7fa07a
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "0243cb807282"
down_revision = "f9230d7fa07a"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("decks", sa.Column("is_premium", sa.Boolean(), server_default=sa.text("false"), nullable=False,
                                     comment="Premium decks require a subscription to access"))
    op.create_index(op.f("ix_decks_is_premium"), "decks", ["is_premium"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_decks_is_premium"), table_name="decks")
    op.drop_column("decks", "is_premium")
