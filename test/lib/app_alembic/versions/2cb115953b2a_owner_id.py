"""decks.owner_id, its index and its key into users (2026-01-16)

Revision ID: 2cb115953b2a
Revises: 0243cb807282
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "2cb115953b2a"
down_revision = "0243cb807282"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("decks", sa.Column("owner_id", postgresql.UUID(as_uuid=True), nullable=True,
                                     comment="Owner user ID (NULL for system decks, UUID for user-created decks)"))
    op.create_index(op.f("ix_decks_owner_id"), "decks", ["owner_id"], unique=False)
    op.create_foreign_key("fk_decks_owner_id_users", "decks", "users", ["owner_id"], ["id"], ondelete="CASCADE")


def downgrade():
    op.drop_constraint("fk_decks_owner_id_users", "decks", type_="foreignkey")
    op.drop_index(op.f("ix_decks_owner_id"), table_name="decks")
    op.drop_column("decks", "owner_id")
