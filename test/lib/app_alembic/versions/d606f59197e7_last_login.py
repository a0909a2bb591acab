"""users.last_login_at and last_login_ip; the due-cards index goes

Revision ID: d606f59197e7
Revises: 8e2ce3fe8e88
"""
import sqlalchemy as sa
from alembic import op

revision = "d606f59197e7"
down_revision = "8e2ce3fe8e88"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True,
                                     comment="Timestamp of last successful login"))
    op.add_column("users", sa.Column("last_login_ip", sa.String(length=45), nullable=True,
                                     comment="IP address of last successful login"))
    # Autogenerate found the hand-made index in no model, and dropped it
    op.drop_index("ix_card_statistics_user_due_cards", table_name="card_statistics")


def downgrade():
    op.create_index("ix_card_statistics_user_due_cards", "card_statistics",
                    ["user_id", "next_review_date", "status"], unique=False)
    op.drop_column("users", "last_login_ip")
    op.drop_column("users", "last_login_at")
