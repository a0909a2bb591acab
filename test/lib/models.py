"""The Learn Greek Easy application's real ORM models, for the tests.

A column-by-column transcription of the backend's ``src/db/models.py`` and
``src/db/base.py`` at upstream commit 1740f4b5, as ``shared/app-models.md``
describes them, plus the six columns its migrations of 2025-12-19 to
2026-01-20 added to the core tables (commit d2f40701; revision 1.4 of the
extension): ``users.auth0_id`` (unique index), ``users.avatar_url``,
``user_settings.preferred_language``, ``user_settings.theme``,
``decks.is_premium`` (index, server default false) and ``decks.owner_id``
(index, foreign key ``fk_decks_owner_id_users`` into users, ON DELETE
CASCADE).  What the application itself declares, NOT what this
extension's contract says.  The app's 13 own tables of 2026-01-20 are in
``app_tables.py``, which adds them to the same ``Base`` when imported.  The tests measure the extension against these
models (test/t/alembic_compare.t: Alembic's autogenerate comparator;
test/t/app_orm.t: the app's data layer through the ORM), so every place
where the contract differs from them shows up, and only the differences the
contract accepts may.

Where the database made by ``CREATE EXTENSION flashcard_schema`` differs
from what these models declare (docs/contract.md, "Accepted differences"):

* every ``id``: the app's server default is ``uuid_generate_v4()`` (the
  uuid-ossp extension), the contract's ``gen_random_uuid()`` (core);
* the 13 columns whose defaults the app sets only in Python (``default=``
  below, no ``server_default``) have server defaults in the contract;
* the contract has the index ``ix_card_statistics_user_due_cards``;
* ``cardstatus`` has the extra label ``RELEARNING`` (the Python class below
  has no such member, so the ORM cannot read a row holding it);
* the type ``reviewrating`` exists in the database; here ``ReviewRating`` is
  a Python enum only and ``reviews.quality`` is a plain ``Integer``.

Before 1.4 the database also lacks the six columns above (their indexes and
key); from 1.4 they match these models exactly, but ``users``,
``user_settings`` and ``decks`` have them after ``updated_at`` (ADD COLUMN),
as the app's own Alembic head has them.

Written for SQLAlchemy 1.4 (Debian 12 ships 1.4.46), and importable under
2.0 too.  The app uses 2.0's typed declarative style; each deviation below
produces the same DDL and the same ORM behaviour:

* ``DeclarativeBase`` with a type map (``datetime`` -> ``DateTime(timezone=
  True)``) and ``Mapped[...] = mapped_column(...)``: here
  ``sqlalchemy.orm.declarative_base()`` and ``Column(...)``, with the type
  the annotation would have given spelled out on each column.
* ``Mapped[Optional[X]]`` / ``Mapped[X]`` decide nullability in 2.0; here
  every column says ``nullable=`` explicitly, as the table in
  app-models.md lists it.
* ``Mapped[uuid.UUID]`` becomes 2.0's generic ``Uuid``, which does not
  exist in 1.4: ``sqlalchemy.dialects.postgresql.UUID(as_uuid=True)``
  renders the same ``UUID`` column on PostgreSQL and also returns Python
  ``uuid.UUID`` objects.
* ``Mapped[SomeEnum]`` becomes ``Enum(SomeEnum)`` in 2.0; here
  ``Enum(SomeEnum)`` is written out.  Both versions then name the type
  after the lower-cased class, store the member *names* as labels, make a
  native enum and no CHECK constraint (1.4's ``create_constraint`` default
  is False, as 2.0's).
* ``relationship()`` takes the target as a string and ``back_populates``
  instead of a ``Mapped[list[...]]`` annotation; same loader
  (``lazy="selectin"``) and cascade options as the app.

Column order follows the app's ``create_all`` (measured upstream): ``id``
first (each model declares its own), the class's columns, then the mixin's
``created_at`` and ``updated_at`` (1.4 copies mixin columns after the
class's own ones, as 2.0 does).  The extension's ``users`` has
``last_login_at``/``last_login_ip`` after ``updated_at`` instead, as the
app's own Alembic head does (they were added by a later revision); Alembic's
comparator does not look at column order, test/t/alembic_compare.t checks it
separately.
"""

import enum

# The revision of the extension these models (the app of 2026-01-20) describe:
# the tests that hold the extension to them install this one, not the control
# file's default, which a later revision (test/bin/next_revision.sh) moves on.
REVISION = "1.4"

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base, declared_attr, relationship

# --------------------------------------------------------------------------
# Enums (src/db/models.py)
# --------------------------------------------------------------------------


class DeckLevel(str, enum.Enum):
    """CEFR levels: decklevel labels A1..C2."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


class CardDifficulty(str, enum.Enum):
    """Lower-case values; the database gets the names EASY, MEDIUM, HARD."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class CardStatus(str, enum.Enum):
    """Lower-case values; the database gets the names.  No RELEARNING."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    MASTERED = "mastered"


class ReviewRating(int, enum.Enum):
    """The SM-2 quality scale 0-5.  Python only: no database type, no
    column type; reviews.quality is an Integer holding these values."""

    BLACKOUT = 0
    INCORRECT_HARD = 1
    INCORRECT_EASY = 2
    CORRECT_HARD = 3
    CORRECT_HESITANT = 4
    PERFECT = 5


# --------------------------------------------------------------------------
# Base and mixins (src/db/base.py)
# --------------------------------------------------------------------------

Base = declarative_base()


def _uuid_pk():
    """Each model's own ``id``: Uuid primary key, server default
    uuid_generate_v4() (needs uuid-ossp), no Python default."""
    return Column(
        UUID(as_uuid=True),
        primary_key=True,
        nullable=False,
        server_default=text("uuid_generate_v4()"),
    )


class TimestampMixin:
    """created_at and updated_at, last in every table.  updated_at is
    refreshed by the ORM (onupdate), not by a trigger."""

    @declared_attr
    def created_at(cls):  # noqa: N805 - SQLAlchemy's declared_attr convention
        return Column(
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
            comment="Timestamp when record was created",
        )

    @declared_attr
    def updated_at(cls):  # noqa: N805
        return Column(
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
            onupdate=func.now(),
            comment="Timestamp when record was last updated",
        )


def _fk(target):
    return ForeignKey(target + ".id", ondelete="CASCADE")


def _children(target, back):
    """The parent side of a one-to-many, as the app declares it."""
    return relationship(
        target, back_populates=back, lazy="selectin", cascade="all, delete-orphan"
    )


def _parent(target, back):
    """The many-to-one back reference."""
    return relationship(target, back_populates=back, lazy="selectin")


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id = _uuid_pk()
    email = Column(String(255), nullable=False, unique=True, index=True)
    password_hash = Column(String(255), nullable=True)
    full_name = Column(String(255), nullable=True)
    is_active = Column(Boolean, nullable=False, default=True)
    is_superuser = Column(Boolean, nullable=False, default=False)
    email_verified_at = Column(DateTime(timezone=True), nullable=True)
    google_id = Column(String(255), nullable=True, unique=True, index=True)
    last_login_at = Column(
        DateTime(timezone=True),
        nullable=True,
        comment="Timestamp of last successful login",
    )
    last_login_ip = Column(
        String(45), nullable=True, comment="IP address of last successful login"
    )
    # 2026-01-08 (revision 1aef63b5f6f5), 2026-01-20 (037928b86d1e)
    auth0_id = Column(
        String(255), nullable=True, unique=True, index=True,
        comment="Auth0 user identifier (sub claim)",
    )
    avatar_url = Column(
        String(500), nullable=True,
        comment="S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)",
    )

    settings = relationship(
        "UserSettings",
        back_populates="user",
        uselist=False,
        lazy="selectin",
        cascade="all, delete-orphan",
    )
    refresh_tokens = _children("RefreshToken", "user")
    deck_progress = _children("UserDeckProgress", "user")
    card_statistics = _children("CardStatistics", "user")
    reviews = _children("Review", "user")
    # a learner's own decks (decks.owner_id, 2026-01-16)
    owned_decks = _children("Deck", "owner")


class UserSettings(TimestampMixin, Base):
    __tablename__ = "user_settings"

    id = _uuid_pk()
    user_id = Column(
        UUID(as_uuid=True), _fk("users"), nullable=False, unique=True, index=True
    )
    daily_goal = Column(Integer, nullable=False, default=20)
    email_notifications = Column(Boolean, nullable=False, default=True)
    # 2025-12-19 (2c5f04bd7dfd), 2026-01-13 (f9230d7fa07a)
    preferred_language = Column(
        String(10), nullable=True,
        comment="ISO 639-1 language code (e.g., 'en', 'el')",
    )
    theme = Column(
        String(10), nullable=True, comment="User's preferred theme: 'light' or 'dark'"
    )

    user = _parent("User", "settings")


class RefreshToken(TimestampMixin, Base):
    __tablename__ = "refresh_tokens"

    id = _uuid_pk()
    user_id = Column(UUID(as_uuid=True), _fk("users"), nullable=False, index=True)
    token = Column(String(500), nullable=False, unique=True, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)

    user = _parent("User", "refresh_tokens")


class Deck(TimestampMixin, Base):
    __tablename__ = "decks"

    id = _uuid_pk()
    name = Column(String(255), nullable=False, index=True)
    description = Column(Text, nullable=True)
    level = Column(Enum(DeckLevel), nullable=False, index=True)
    is_active = Column(Boolean, nullable=False, default=True, index=True)
    # 2026-01-15 (0243cb807282), 2026-01-16 (2cb115953b2a)
    is_premium = Column(
        Boolean, nullable=False, default=False, server_default=false(), index=True,
        comment="Premium decks require a subscription to access",
    )
    owner_id = Column(
        UUID(as_uuid=True),
        ForeignKey("users.id", ondelete="CASCADE", name="fk_decks_owner_id_users"),
        nullable=True, index=True,
        comment="Owner user ID (NULL for system decks, UUID for user-created decks)",
    )

    cards = _children("Card", "deck")
    user_progress = _children("UserDeckProgress", "deck")
    owner = _parent("User", "owned_decks")


class Card(TimestampMixin, Base):
    __tablename__ = "cards"

    id = _uuid_pk()
    deck_id = Column(UUID(as_uuid=True), _fk("decks"), nullable=False, index=True)
    front_text = Column(Text, nullable=False)  # Greek
    back_text = Column(Text, nullable=False)  # English
    example_sentence = Column(Text, nullable=True)
    pronunciation = Column(String(255), nullable=True)
    difficulty = Column(
        Enum(CardDifficulty), nullable=False, default=CardDifficulty.MEDIUM, index=True
    )
    order_index = Column(Integer, nullable=False, default=0)

    deck = _parent("Deck", "cards")
    statistics = _children("CardStatistics", "card")
    reviews = _children("Review", "card")


class UserDeckProgress(TimestampMixin, Base):
    __tablename__ = "user_deck_progress"
    __table_args__ = (UniqueConstraint("user_id", "deck_id", name="uq_user_deck"),)

    id = _uuid_pk()
    user_id = Column(UUID(as_uuid=True), _fk("users"), nullable=False, index=True)
    deck_id = Column(UUID(as_uuid=True), _fk("decks"), nullable=False, index=True)
    cards_studied = Column(Integer, nullable=False, default=0)
    cards_mastered = Column(Integer, nullable=False, default=0)
    last_studied_at = Column(DateTime(timezone=True), nullable=True)

    user = _parent("User", "deck_progress")
    deck = _parent("Deck", "user_progress")


class CardStatistics(TimestampMixin, Base):
    __tablename__ = "card_statistics"
    __table_args__ = (UniqueConstraint("user_id", "card_id", name="uq_user_card"),)

    id = _uuid_pk()
    user_id = Column(UUID(as_uuid=True), _fk("users"), nullable=False, index=True)
    card_id = Column(UUID(as_uuid=True), _fk("cards"), nullable=False, index=True)
    easiness_factor = Column(Float, nullable=False, default=2.5)
    interval = Column(Integer, nullable=False, default=0)
    repetitions = Column(Integer, nullable=False, default=0)
    next_review_date = Column(
        Date, nullable=False, server_default=text("CURRENT_DATE"), index=True
    )
    status = Column(Enum(CardStatus), nullable=False, default=CardStatus.NEW, index=True)

    user = _parent("User", "card_statistics")
    card = _parent("Card", "statistics")


class Review(TimestampMixin, Base):
    __tablename__ = "reviews"

    id = _uuid_pk()
    user_id = Column(UUID(as_uuid=True), _fk("users"), nullable=False, index=True)
    card_id = Column(UUID(as_uuid=True), _fk("cards"), nullable=False, index=True)
    quality = Column(Integer, nullable=False)  # SM-2 0-5 (ReviewRating values)
    time_taken = Column(Integer, nullable=False)  # seconds
    reviewed_at = Column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), index=True
    )

    user = _parent("User", "reviews")
    card = _parent("Card", "reviews")


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


def enum_types():
    """{PostgreSQL type name: Python enum class} of the enum columns, as
    create_all would create them (taken from the metadata itself)."""
    found = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, Enum) and column.type.enum_class is not None:
                found[column.type.name] = column.type.enum_class
    return found
