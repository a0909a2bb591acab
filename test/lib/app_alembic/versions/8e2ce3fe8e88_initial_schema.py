"""initial schema: the eight tables, their enums and the due-cards index

Revision ID: 8e2ce3fe8e88
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "8e2ce3fe8e88"
down_revision = None
branch_labels = None
depends_on = None

UUID_DEFAULT = sa.text("uuid_generate_v4()")


def _id():
    return sa.Column("id", postgresql.UUID(as_uuid=True), server_default=UUID_DEFAULT, nullable=False)


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False, comment="Timestamp when record was created"),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False, comment="Timestamp when record was last updated"),
    ]


def _fk(col, ref):
    return sa.ForeignKeyConstraint([col], [ref + ".id"], ondelete="CASCADE")


def upgrade():
    op.create_table(
        "users", _id(),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("full_name", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_superuser", sa.Boolean(), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("google_id", sa.String(length=255), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id"))
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)
    op.create_index(op.f("ix_users_google_id"), "users", ["google_id"], unique=True)

    op.create_table(
        "decks", _id(),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("level", sa.Enum("A1", "A2", "B1", "B2", "C1", "C2", name="decklevel"), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id"))
    op.create_index(op.f("ix_decks_name"), "decks", ["name"], unique=False)
    op.create_index(op.f("ix_decks_level"), "decks", ["level"], unique=False)
    op.create_index(op.f("ix_decks_is_active"), "decks", ["is_active"], unique=False)

    op.create_table(
        "user_settings", _id(),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("daily_goal", sa.Integer(), nullable=False),
        sa.Column("email_notifications", sa.Boolean(), nullable=False),
        *_timestamps(),
        _fk("user_id", "users"),
        sa.PrimaryKeyConstraint("id"))
    op.create_index(op.f("ix_user_settings_user_id"), "user_settings", ["user_id"], unique=True)

    op.create_table(
        "refresh_tokens", _id(),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("token", sa.String(length=500), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        _fk("user_id", "users"),
        sa.PrimaryKeyConstraint("id"))
    op.create_index(op.f("ix_refresh_tokens_user_id"), "refresh_tokens", ["user_id"], unique=False)
    op.create_index(op.f("ix_refresh_tokens_token"), "refresh_tokens", ["token"], unique=True)
    op.create_index(op.f("ix_refresh_tokens_expires_at"), "refresh_tokens", ["expires_at"], unique=False)

    op.create_table(
        "cards", _id(),
        sa.Column("deck_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("front_text", sa.Text(), nullable=False),
        sa.Column("back_text", sa.Text(), nullable=False),
        sa.Column("example_sentence", sa.Text(), nullable=True),
        sa.Column("pronunciation", sa.String(length=255), nullable=True),
        sa.Column("difficulty", sa.Enum("EASY", "MEDIUM", "HARD", name="carddifficulty"), nullable=False),
        sa.Column("order_index", sa.Integer(), nullable=False),
        *_timestamps(),
        _fk("deck_id", "decks"),
        sa.PrimaryKeyConstraint("id"))
    op.create_index(op.f("ix_cards_deck_id"), "cards", ["deck_id"], unique=False)
    op.create_index(op.f("ix_cards_difficulty"), "cards", ["difficulty"], unique=False)

    op.create_table(
        "user_deck_progress", _id(),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("deck_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("cards_studied", sa.Integer(), nullable=False),
        sa.Column("cards_mastered", sa.Integer(), nullable=False),
        sa.Column("last_studied_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        _fk("user_id", "users"),
        _fk("deck_id", "decks"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "deck_id", name="uq_user_deck"))
    op.create_index(op.f("ix_user_deck_progress_user_id"), "user_deck_progress", ["user_id"], unique=False)
    op.create_index(op.f("ix_user_deck_progress_deck_id"), "user_deck_progress", ["deck_id"], unique=False)

    op.create_table(
        "card_statistics", _id(),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("card_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("easiness_factor", sa.Float(), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("repetitions", sa.Integer(), nullable=False),
        sa.Column("next_review_date", sa.Date(), server_default=sa.text("CURRENT_DATE"), nullable=False),
        sa.Column("status", sa.Enum("NEW", "LEARNING", "REVIEW", "MASTERED", name="cardstatus"), nullable=False),
        *_timestamps(),
        _fk("user_id", "users"),
        _fk("card_id", "cards"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "card_id", name="uq_user_card"))
    op.create_index(op.f("ix_card_statistics_user_id"), "card_statistics", ["user_id"], unique=False)
    op.create_index(op.f("ix_card_statistics_card_id"), "card_statistics", ["card_id"], unique=False)
    op.create_index(op.f("ix_card_statistics_next_review_date"), "card_statistics", ["next_review_date"], unique=False)
    op.create_index(op.f("ix_card_statistics_status"), "card_statistics", ["status"], unique=False)
    # Made by hand in the app's initial migration; its models never declare it
    op.create_index("ix_card_statistics_user_due_cards", "card_statistics",
                    ["user_id", "next_review_date", "status"], unique=False)

    op.create_table(
        "reviews", _id(),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("card_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=False),
        sa.Column("time_taken", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        *_timestamps(),
        _fk("user_id", "users"),
        _fk("card_id", "cards"),
        sa.PrimaryKeyConstraint("id"))
    op.create_index(op.f("ix_reviews_user_id"), "reviews", ["user_id"], unique=False)
    op.create_index(op.f("ix_reviews_card_id"), "reviews", ["card_id"], unique=False)
    op.create_index(op.f("ix_reviews_reviewed_at"), "reviews", ["reviewed_at"], unique=False)


def downgrade():
    for table in ("reviews", "card_statistics", "user_deck_progress", "cards",
                  "refresh_tokens", "user_settings", "decks", "users"):
        op.drop_table(table)
    for enum in ("cardstatus", "carddifficulty", "decklevel"):
        op.execute("DROP TYPE IF EXISTS %s" % enum)
