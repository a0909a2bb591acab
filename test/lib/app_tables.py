"""The Learn Greek Easy application's 13 own tables of 2026-01-20 (commit d2f40701).

Importing this module adds them to ``models.Base`` (so ``Base.metadata`` then
holds all 21 tables, as the app's does: its ``alembic/env.py`` has
``target_metadata = Base.metadata``).  Tests that want the eight core tables
only import ``models`` alone.

Facts taken from ``shared/app-models.md`` ("The app's own tables,
2026-01-20"): the 13 table names; their foreign keys into the core, all
``ON DELETE CASCADE`` (``feedback``, ``feedback_votes``, ``user_xp``,
``xp_transactions``, ``user_achievements``, ``notifications``,
``culture_question_stats``, ``culture_answer_history``,
``mock_exam_sessions`` -> ``users``); their keys among themselves
(``feedback_votes`` -> ``feedback``, ``user_achievements`` ->
``achievements``, ``culture_questions`` -> ``culture_decks``,
``culture_question_stats`` / ``culture_answer_history`` /
``mock_exam_answers`` -> ``culture_questions``, ``mock_exam_answers`` ->
``mock_exam_sessions``); ``culture_question_stats.status`` typed with the
core enum ``cardstatus``, default ``NEW``; the names of its six own enum
types; ``culture_decks.is_premium`` with its index (the same migration as
``decks.is_premium``).  Everything else -- the other columns, the enum
types' labels -- is NOT known and is invented here, minimal and plausible
(a uuid ``id``, a few payload columns, the timestamp mixin), in the app's
style: ``id`` with ``uuid_generate_v4()``, ``index=True`` on foreign keys,
PostgreSQL's default constraint names.
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
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import relationship

import models
from models import Base, CardStatus, TimestampMixin, _uuid_pk


# The six enum types of its own (names: the app's; labels: invented)
class FeedbackCategory(str, enum.Enum):
    FEATURE_REQUEST = "feature_request"
    BUG_INCORRECT_DATA = "bug_incorrect_data"


class FeedbackStatus(str, enum.Enum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    COMPLETED = "completed"


class VoteType(str, enum.Enum):
    UP = "up"
    DOWN = "down"


class AchievementCategory(str, enum.Enum):
    STREAK = "streak"
    LEARNING = "learning"
    CULTURE = "culture"


class NotificationType(str, enum.Enum):
    ACHIEVEMENT_UNLOCKED = "achievement_unlocked"
    DAILY_GOAL_COMPLETE = "daily_goal_complete"
    LEVEL_UP = "level_up"


class MockExamStatus(str, enum.Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


def _fk(target, ondelete="CASCADE"):
    return ForeignKey(target + ".id", ondelete=ondelete)


def _ref(target, nullable=False):
    """A uuid foreign key column with the app's index=True."""
    return Column(UUID(as_uuid=True), _fk(target), nullable=nullable, index=True)


# --- feedback ---------------------------------------------------------------


class Feedback(TimestampMixin, Base):
    __tablename__ = "feedback"

    id = _uuid_pk()
    user_id = _ref("users")
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    category = Column(Enum(FeedbackCategory), nullable=False, index=True)
    status = Column(Enum(FeedbackStatus), nullable=False, default=FeedbackStatus.NEW,
                    server_default=text("'NEW'"), index=True)
    vote_count = Column(Integer, nullable=False, default=0, server_default=text("0"))

    user = relationship(models.User, lazy="selectin")
    votes = relationship("FeedbackVote", back_populates="feedback", lazy="selectin",
                         cascade="all, delete-orphan")


class FeedbackVote(TimestampMixin, Base):
    __tablename__ = "feedback_votes"
    __table_args__ = (UniqueConstraint("user_id", "feedback_id", name="uq_feedback_vote_user"),)

    id = _uuid_pk()
    user_id = _ref("users")
    feedback_id = _ref("feedback")
    vote_type = Column(Enum(VoteType), nullable=False)

    feedback = relationship(Feedback, back_populates="votes", lazy="selectin")


# --- achievements and XP ----------------------------------------------------


class Achievement(TimestampMixin, Base):
    __tablename__ = "achievements"

    id = _uuid_pk()
    code = Column(String(50), nullable=False, unique=True, index=True)
    name = Column(String(100), nullable=False)
    category = Column(Enum(AchievementCategory), nullable=False, index=True)
    threshold = Column(Integer, nullable=False)
    xp_reward = Column(Integer, nullable=False, default=0, server_default=text("0"))


class UserAchievement(TimestampMixin, Base):
    __tablename__ = "user_achievements"
    __table_args__ = (UniqueConstraint("user_id", "achievement_id", name="uq_user_achievement"),)

    id = _uuid_pk()
    user_id = _ref("users")
    achievement_id = _ref("achievements")
    unlocked_at = Column(DateTime(timezone=True), nullable=False, server_default=text("now()"))

    achievement = relationship(Achievement, lazy="selectin")


class UserXP(TimestampMixin, Base):
    __tablename__ = "user_xp"

    id = _uuid_pk()
    user_id = Column(UUID(as_uuid=True), _fk("users"), nullable=False, unique=True, index=True)
    total_xp = Column(Integer, nullable=False, default=0, server_default=text("0"))
    current_level = Column(Integer, nullable=False, default=1, server_default=text("1"))


class XPTransaction(TimestampMixin, Base):
    __tablename__ = "xp_transactions"

    id = _uuid_pk()
    user_id = _ref("users")
    amount = Column(Integer, nullable=False)
    reason = Column(String(50), nullable=False)
    earned_at = Column(DateTime(timezone=True), nullable=False,
                       server_default=text("now()"), index=True)


class Notification(TimestampMixin, Base):
    __tablename__ = "notifications"

    id = _uuid_pk()
    user_id = _ref("users")
    type = Column(Enum(NotificationType), nullable=False)
    title = Column(String(200), nullable=False)
    message = Column(Text, nullable=False)
    read = Column(Boolean, nullable=False, default=False, server_default=false(), index=True)


# --- culture exam -----------------------------------------------------------


class CultureDeck(TimestampMixin, Base):
    __tablename__ = "culture_decks"

    id = _uuid_pk()
    name = Column(String(255), nullable=False)
    category = Column(String(50), nullable=False, index=True)
    is_active = Column(Boolean, nullable=False, default=True, server_default=text("true"))
    is_premium = Column(Boolean, nullable=False, default=False, server_default=false(),
                        index=True)


class CultureQuestion(TimestampMixin, Base):
    __tablename__ = "culture_questions"

    id = _uuid_pk()
    deck_id = _ref("culture_decks")
    question_text = Column(Text, nullable=False)
    correct_option = Column(Integer, nullable=False)


class CultureQuestionStats(TimestampMixin, Base):
    """The one column of the core's enum type cardstatus (default NEW)."""

    __tablename__ = "culture_question_stats"
    __table_args__ = (UniqueConstraint("user_id", "question_id", name="uq_culture_stats_user_question"),)

    id = _uuid_pk()
    user_id = _ref("users")
    question_id = _ref("culture_questions")
    easiness_factor = Column(Float, nullable=False, default=2.5, server_default=text("2.5"))
    next_review_date = Column(Date, nullable=False, server_default=text("CURRENT_DATE"))
    status = Column(Enum(CardStatus), nullable=False, default=CardStatus.NEW,
                    server_default=text("'NEW'"), index=True)

    user = relationship(models.User, lazy="selectin")


class CultureAnswerHistory(TimestampMixin, Base):
    __tablename__ = "culture_answer_history"

    id = _uuid_pk()
    user_id = _ref("users")
    question_id = _ref("culture_questions")
    selected_option = Column(Integer, nullable=False)
    is_correct = Column(Boolean, nullable=False)


class MockExamSession(TimestampMixin, Base):
    __tablename__ = "mock_exam_sessions"

    id = _uuid_pk()
    user_id = _ref("users")
    status = Column(Enum(MockExamStatus), nullable=False, default=MockExamStatus.ACTIVE,
                    server_default=text("'ACTIVE'"), index=True)
    score = Column(Integer, nullable=True)
    started_at = Column(DateTime(timezone=True), nullable=False, server_default=text("now()"))


class MockExamAnswer(TimestampMixin, Base):
    __tablename__ = "mock_exam_answers"

    id = _uuid_pk()
    session_id = _ref("mock_exam_sessions")
    question_id = _ref("culture_questions")
    selected_option = Column(Integer, nullable=False)
    is_correct = Column(Boolean, nullable=False)


APP_MODELS = (
    Feedback, FeedbackVote, Achievement, UserAchievement, UserXP, XPTransaction,
    Notification, CultureDeck, CultureQuestion, CultureQuestionStats,
    CultureAnswerHistory, MockExamSession, MockExamAnswer,
)
APP_TABLES = tuple(m.__tablename__ for m in APP_MODELS)
# The foreign keys into the core, as app-models.md lists them (all CASCADE).
KEYS_INTO_CORE = (
    "feedback.user_id", "feedback_votes.user_id", "user_xp.user_id",
    "xp_transactions.user_id", "user_achievements.user_id", "notifications.user_id",
    "culture_question_stats.user_id", "culture_answer_history.user_id",
    "mock_exam_sessions.user_id",
)
OWN_ENUMS = ("feedbackcategory", "feedbackstatus", "votetype", "achievementcategory",
             "notificationtype", "mockexamstatus")
