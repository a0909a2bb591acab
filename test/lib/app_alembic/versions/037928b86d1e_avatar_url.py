"""users.avatar_url (2026-01-20): the app's head of that day

Revision ID: 037928b86d1e
Revises: 2cb115953b2a
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "037928b86d1e"
down_revision = "2cb115953b2a"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("avatar_url", sa.String(length=500), nullable=True,
                                     comment="S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)"))


def downgrade():
    op.drop_column("users", "avatar_url")
