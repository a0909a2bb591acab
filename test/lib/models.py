"""The Learn Greek Easy ORM models, as the application declares them.

A faithful stand-in for the app's ``src/db/models.py`` (8 models + 4 enums,
see shared/seed/000_323ddcdb6471d440.txt and shared/schema-contract.md), at
schema version 1.2 (the latest).  test/alembic_compare.t compares this
metadata with a database made by ``CREATE EXTENSION flashcard_schema`` using
Alembic's autogenerate comparator: any difference is something the app's
``alembic revision --autogenerate`` would try to "fix".

Written in the classic ``Column(...)`` style with ``declarative_base`` from
``sqlalchemy.orm`` so that it imports unchanged on SQLAlchemy 1.4 (Debian 12)
and 2.0 (the app).  Relationships are left out: they add nothing to the
schema.

Conventions reproduced from the app:

* ``Enum(SomeEnum, name="someenum")`` stores the Python member *names* as
  the PostgreSQL labels (hence 'EASY', 'MEDIUM', ... although the values are
  lower case, and 'AGAIN'..'EASY' for the int-valued ReviewRating).
* ``index=True`` / ``unique=True`` on a column make SQLAlchemy name the index
  ``ix_<table>_<column>`` (a UNIQUE index when both are set).
* Server defaults are written as the app writes them: ``text("true")``,
  ``text("'MEDIUM'")``, ``func.now()``...
"""

import enum

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base

#: The extension version these models describe.
SCHEMA_VERSION = "1.2"


# --------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------


class DeckLevel(str, enum.Enum):
    """CEFR levels for Greek language learning (C1, C2 since 1.2)."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


class CardDifficulty(str, enum.Enum):
    """Difficulty rating for flashcards."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class CardStatus(str, enum.Enum):
    """Learning stage in the spaced repetition system."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"
    MASTERED = "mastered"


class ReviewRating(int, enum.Enum):
    """User rating for a card review (SM-2 algorithm)."""

    AGAIN = 1  # complete blackout, incorrect response
    HARD = 2  # incorrect response, but familiar
    GOOD = 3  # correct response with effort
    EASY = 4  # perfect response


#: Python enum -> PostgreSQL enum type name, as SQLAlchemy names them.
ENUMS = {
    "decklevel": DeckLevel,
    "carddifficulty": CardDifficulty,
    "cardstatus": CardStatus,
    "reviewrating": ReviewRating,
}


# --------------------------------------------------------------------------
# Base and mixins
# --------------------------------------------------------------------------

Base = declarative_base()


class UUIDPrimaryKeyMixin:
    """``id uuid PRIMARY KEY DEFAULT gen_random_uuid()``."""

    id = Column(
        UUID(as_uuid=True),
        primary_key=True,
        server_default=func.gen_random_uuid(),
    )


class TimestampMixin:
    """The two audit timestamps every table ends with."""

    created_at = Column(
        DateTime(timezone=True),
        nullable=False,
        server_default=func.now(),
        comment="Timestamp when record was created",
    )
    updated_at = Column(
        DateTime(timezone=True),
        nullable=False,
        server_default=func.now(),
        onupdate=func.now(),
        comment="Timestamp when record was last updated",
    )


def _user_fk():
    return ForeignKey("users.id", ondelete="CASCADE")


# --------------------------------------------------------------------------
# User management
# --------------------------------------------------------------------------


class User(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email = Column(String(255), nullable=False, unique=True, index=True)
    password_hash = Column(String(255), nullable=True)
    full_name = Column(String(255), nullable=True)
    is_active = Column(Boolean, nullable=False, server_default=text("true"))
    is_superuser = Column(Boolean, nullable=False, server_default=text("false"))
    email_verified_at = Column(DateTime(timezone=True), nullable=True)
    google_id = Column(String(255), nullable=True, unique=True, index=True)
    # since 1.1
    last_login_at = Column(
        DateTime(timezone=True),
        nullable=True,
        comment="Timestamp of last successful login",
    )
    last_login_ip = Column(
        String(45),
        nullable=True,
        comment="IP address of last successful login",
    )


class UserSettings(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "user_settings"

    user_id = Column(
        UUID(as_uuid=True), _user_fk(), nullable=False, unique=True, index=True
    )
    daily_goal = Column(Integer, nullable=False, server_default=text("20"))
    email_notifications = Column(
        Boolean, nullable=False, server_default=text("true")
    )


class RefreshToken(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "refresh_tokens"

    user_id = Column(UUID(as_uuid=True), _user_fk(), nullable=False, index=True)
    token = Column(String(500), nullable=False, unique=True, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------


class Deck(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "decks"

    name = Column(String(255), nullable=False, index=True)
    description = Column(Text, nullable=True)
    level = Column(Enum(DeckLevel, name="decklevel"), nullable=False, index=True)
    is_active = Column(
        Boolean, nullable=False, server_default=text("true"), index=True
    )


class Card(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "cards"

    deck_id = Column(
        UUID(as_uuid=True),
        ForeignKey("decks.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    front_text = Column(Text, nullable=False)  # Greek
    back_text = Column(Text, nullable=False)  # English
    example_sentence = Column(Text, nullable=True)
    pronunciation = Column(String(255), nullable=True)
    difficulty = Column(
        Enum(CardDifficulty, name="carddifficulty"),
        nullable=False,
        server_default=text("'MEDIUM'"),
        index=True,
    )
    order_index = Column(Integer, nullable=False, server_default=text("0"))


# --------------------------------------------------------------------------
# Progress tracking
# --------------------------------------------------------------------------


class UserDeckProgress(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    __tablename__ = "user_deck_progress"
    __table_args__ = (UniqueConstraint("user_id", "deck_id", name="uq_user_deck"),)

    user_id = Column(UUID(as_uuid=True), _user_fk(), nullable=False, index=True)
    deck_id = Column(
        UUID(as_uuid=True),
        ForeignKey("decks.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    cards_studied = Column(Integer, nullable=False, server_default=text("0"))
    cards_mastered = Column(Integer, nullable=False, server_default=text("0"))
    last_studied_at = Column(DateTime(timezone=True), nullable=True)


class CardStatistics(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    """SM-2 state of one card for one learner."""

    __tablename__ = "card_statistics"
    __table_args__ = (
        UniqueConstraint("user_id", "card_id", name="uq_user_card"),
        Index(
            "ix_card_statistics_user_due_cards",
            "user_id",
            "next_review_date",
            "status",
        ),
    )

    user_id = Column(UUID(as_uuid=True), _user_fk(), nullable=False, index=True)
    card_id = Column(
        UUID(as_uuid=True),
        ForeignKey("cards.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    easiness_factor = Column(Float, nullable=False, server_default=text("2.5"))
    interval = Column(Integer, nullable=False, server_default=text("0"))
    repetitions = Column(Integer, nullable=False, server_default=text("0"))
    next_review_date = Column(
        Date, nullable=False, server_default=text("CURRENT_DATE"), index=True
    )
    status = Column(
        Enum(CardStatus, name="cardstatus"),
        nullable=False,
        server_default=text("'NEW'"),
        index=True,
    )


class Review(UUIDPrimaryKeyMixin, TimestampMixin, Base):
    """One row per answered card."""

    __tablename__ = "reviews"

    user_id = Column(UUID(as_uuid=True), _user_fk(), nullable=False, index=True)
    card_id = Column(
        UUID(as_uuid=True),
        ForeignKey("cards.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    quality = Column(Enum(ReviewRating, name="reviewrating"), nullable=False)
    time_taken = Column(Integer, nullable=False)  # seconds
    reviewed_at = Column(
        DateTime(timezone=True),
        nullable=False,
        server_default=func.now(),
        index=True,
    )


MODELS = (
    User,
    UserSettings,
    RefreshToken,
    Deck,
    Card,
    UserDeckProgress,
    CardStatistics,
    Review,
)
