"""Tests as the app writes them, on the fixture of conftest.py: each starts
from empty tables, writes core and app rows through the ORM, and leaves
nothing behind for the next (whichever worker runs it)."""

import os
import uuid

import pytest
import sqlalchemy as sa

import app_tables as at
import models as m

COUNT_ALL = "SELECT " + " + ".join(
    "(SELECT count(*) FROM %s)" % t.name for t in m.Base.metadata.sorted_tables)


def learner(session, n):
    user = m.User(email="learner%d-%s@example.gr" % (n, uuid.uuid4().hex[:8]))
    session.add(user)
    session.flush()
    return user


@pytest.mark.parametrize("n", range(8))
def test_each_test_starts_empty_and_writes_everywhere(session, n):
    assert session.execute(sa.text(COUNT_ALL)).scalar() == 0
    user = learner(session, n)
    deck = m.Deck(name="Deck %d" % n, level=m.DeckLevel.A1, owner=user)
    session.add(deck)
    session.flush()
    card = m.Card(deck=deck, front_text="νερό", back_text="water")
    session.add(card)
    session.flush()
    session.add_all([
        m.Review(user_id=user.id, card_id=card.id, quality=4, time_taken=2),
        at.Feedback(user_id=user.id, title="t", description="d",
                    category=at.FeedbackCategory.FEATURE_REQUEST),
        at.UserXP(user_id=user.id, total_xp=10 * n),
        at.XPTransaction(user_id=user.id, amount=10 * n, reason="review"),
    ])
    session.flush()
    assert session.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
    assert session.execute(sa.text("SELECT current_database()")).scalar().endswith(
        os.environ.get("PYTEST_XDIST_WORKER", "master"))


@pytest.mark.parametrize("n", range(4))
def test_cascade_into_the_apps_rows(session, n):
    user = learner(session, n)
    session.add(at.CultureDeck(name="Ιστορία", category="history"))
    session.flush()
    q = at.CultureQuestion(deck_id=session.execute(sa.text(
        "SELECT id FROM culture_decks")).scalar(), question_text="Πότε;", correct_option=1)
    session.add(q)
    session.flush()
    session.add(at.CultureQuestionStats(user_id=user.id, question_id=q.id))
    session.flush()
    assert session.execute(sa.text(
        "SELECT status::text FROM culture_question_stats")).scalar() == "NEW"
    session.delete(user)
    session.flush()
    assert session.execute(sa.text("SELECT count(*) FROM culture_question_stats")).scalar() == 0


def test_the_apps_reset_service(session):
    user = learner(session, 99)
    deck = m.Deck(name="Reset", level=m.DeckLevel.B2)
    session.add(deck)
    session.flush()
    session.add(m.Card(deck=deck, front_text="α", back_text="a"))
    session.flush()
    session.execute(sa.text("TRUNCATE TABLE reviews RESTART IDENTITY CASCADE"))
    session.execute(sa.text("TRUNCATE TABLE users CASCADE"))
    assert session.execute(sa.text("SELECT count(*) FROM users")).scalar() == 0
    assert user is not None
