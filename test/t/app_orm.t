#!/usr/bin/python3
"""The application's data layer on a database made by CREATE EXTENSION.

Behaves like the Learn Greek Easy backend: its real models
(test/lib/models.py), async SQLAlchemy sessions on asyncpg
(create_async_engine("postgresql+asyncpg://..."), AsyncSession with
expire_on_commit=False), naive UTC datetimes from datetime.utcnow() in a
process and a session whose time zone is UTC, and the queries of the app's
repositories (shared/app-models.md, "What the app's code asks of the column
types").  The database is made by `CREATE EXTENSION flashcard_schema` at the
default version, never by create_all; uuid-ossp is added only because the
app's own tests call uuid_generate_v4() directly (one such call below).

Covered: registration (flush for the server-made id, settings and a refresh
token, one commit), login, decks at every DeckLevel, cards with Greek text at
every CardDifficulty (read back byte for byte), statistics in every CardStatus,
reviews with quality 0 to 5, reading everything back as objects through the
selectin relationships, the repositories' queries, and deleting a user through
the ORM and through SQL with the cascade.  The columns of the app's January
migrations (revision 1.4) as the app of 2026-01-20 uses them: login by
external id (auth0_id, unique), avatar_url, preferred_language and theme, a
learner's own decks (decks.owner_id) and their cascade through the ORM and
SQL, premium decks (is_premium).

Needs a running server reachable through the PG* variables (pg_virtualenv)
as a superuser, and Debian's python3-sqlalchemy (1.4), python3-asyncpg,
python3-greenlet and python3-psycopg2.  Prints TAP; creates and drops its
own database app_orm.

Against a database the caller prepared (test/t/cluster/citus.t: a Citus
coordinator after flashcard_schema_distribute()), set
    APP_ORM_DATABASE=name      use it as it is: not created, not dropped, no
                               CREATE EXTENSION (flashcard_schema and
                               uuid-ossp must be there, the version is still
                               checked); it must hold no rows
    APP_ORM_SERVER_SETTINGS='a.b=v,c.d=w'   session settings the app's
                               engine passes to asyncpg (connect_args
                               server_settings), e.g.
                               citus.multi_shard_modify_mode=sequential
"""

import asyncio
import os
import sys
import time
import traceback
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime

os.environ["TZ"] = "UTC"  # the app's containers run in UTC; naive datetimes are UTC
time.tzset()

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

try:
    import sqlalchemy as sa
    from sqlalchemy import delete, func, select, text, update
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import sessionmaker

    import asyncpg  # noqa: F401 - the driver must be there
    import models
    from models import (Card, CardDifficulty, CardStatistics, CardStatus, Deck,
                        DeckLevel, RefreshToken, Review, ReviewRating, User,
                        UserDeckProgress, UserSettings)
    from taplib import Databases, Tap, async_engine
except Exception:  # noqa: BLE001
    print("Bail out! cannot import SQLAlchemy (asyncio), asyncpg or test/lib/models.py "
          "(apt-get install python3-sqlalchemy python3-asyncpg python3-greenlet "
          "python3-psycopg2; run with /usr/bin/python3)")
    for line in traceback.format_exc().splitlines():
        print("# " + line)
    sys.exit(255)

tap = Tap()
dbs = Databases()
# A database the caller prepared, used as it is (see above); else our own.
EXISTING = os.environ.get("APP_ORM_DATABASE") or None
DB = EXISTING or "app_orm"
# Session settings for the app's engine, "name=value" separated by commas.
SERVER_SETTINGS = dict(
    item.split("=", 1) for item in (os.environ.get("APP_ORM_SERVER_SETTINGS") or "").split(",")
    if item.strip())

# Greek with accents (tonos), dialytika and final sigma; one front in NFD
# (decomposed accents) to show that nothing normalizes the bytes on the way.
GREEK = {
    CardDifficulty.EASY: ("καλημέρα", "good morning", "Καλημέρα σας, κυρία Ελένη!", "ka-li-ME-ra"),
    CardDifficulty.MEDIUM: ("ευχαριστώ", "thank you", "Ευχαριστώ πολύ για όλα.", "ef-kha-ri-STO"),
    CardDifficulty.HARD: ("προϋπόθεση", "precondition", "Η Οδύσσεια του Ομήρου· ΐ ΰ ς", "pro-i-PO-the-si"),
}
NFD_FRONT = unicodedata.normalize("NFD", "Ελλάδα")


async def step(desc, coro):
    """Run one group of assertions; an exception fails it with a traceback."""
    try:
        await coro
    except Exception:  # noqa: BLE001
        tap.diag(traceback.format_exc())
        tap.ok(False, "%s: ran to the end" % desc)


class App:
    """The test's state: what the app would keep in its session and ids."""

    def __init__(self, engine):
        self.engine = engine
        self.Session = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self.today = date.today()
        self.midnight = datetime.combine(self.today, dtime.min)

    async def sql(self, stmt, **params):
        async with self.engine.connect() as conn:
            return (await conn.execute(text(stmt), params)).all()

    async def sql_scalar(self, stmt, **params):
        async with self.engine.connect() as conn:
            return (await conn.execute(text(stmt), params)).scalar()

    # ---------------------------------------------------------------------

    async def register(self):
        async with self.Session() as s:
            user = User(email="eleni@example.gr", password_hash="$2b$12$hash",
                        full_name="Ελένη Παπαδοπούλου", google_id="g-1001")
            s.add(user)
            await s.flush()  # the app needs the server-generated id now
            tap.ok(isinstance(user.id, uuid.UUID),
                   "registration: flush gets the server-generated id (%s)" % user.id)
            s.add(UserSettings(user_id=user.id))
            s.add(RefreshToken(user_id=user.id, token="rt-eleni-1",
                               expires_at=datetime.utcnow() + timedelta(days=30)))
            await s.commit()
            self.user_id = user.id
        row = (await self.sql(
            """SELECT u.is_active, u.is_superuser, s.daily_goal, s.email_notifications,
                      count(t.*) FROM users u JOIN user_settings s ON s.user_id = u.id
                 JOIN refresh_tokens t ON t.user_id = u.id
                WHERE u.id = :id GROUP BY 1, 2, 3, 4""", id=self.user_id))
        tap.is_([tuple(r) for r in row], [(True, False, 20, True, 1)],
                "registration, one commit: the user (active, not superuser), settings "
                "(daily_goal 20, email_notifications true) and a refresh token, "
                "with the app's Python defaults")

    async def login(self):
        now = datetime.utcnow()
        async with self.Session() as s:
            user = (await s.execute(select(User).where(User.email == "eleni@example.gr"))).scalar_one()
            before = user.updated_at
            user.last_login_at = now
            user.last_login_ip = "2001:db8::7"
            await s.commit()
        async with self.Session() as s:
            user = (await s.execute(select(User).where(User.id == self.user_id))).scalar_one()
            tap.is_((user.last_login_at.replace(tzinfo=None), user.last_login_ip),
                    (now, "2001:db8::7"),
                    "login writes last_login_at (naive utcnow) and last_login_ip; read back unchanged")
            tap.ok(user.updated_at > before, "the ORM's onupdate moved updated_at")
            by_google = (await s.execute(select(User).where(User.google_id == "g-1001"))).scalar_one()
            token = (await s.execute(
                select(RefreshToken).where(RefreshToken.token == "rt-eleni-1"))).scalar_one()
            tap.ok(by_google is user and token.user is user,
                   "lookups by google_id and by token find the same user")

    async def content(self):
        async with self.Session() as s:
            self.decks = {}
            for n, level in enumerate(DeckLevel):
                deck = Deck(name="Λέξεις %s: Καθημερινές Φράσεις" % level.value,
                            description="Βασικό λεξιλόγιο, επίπεδο %s" % level.value,
                            level=level)
                s.add(deck)
                self.decks[level] = deck
            await s.flush()
            deck = self.decks[DeckLevel.A1]
            for n, (diff, (front, back, example, pron)) in enumerate(GREEK.items()):
                s.add(Card(deck=deck, front_text=front, back_text=back, example_sentence=example,
                           pronunciation=pron, difficulty=diff, order_index=n + 1))
            s.add(Card(deck=self.decks[DeckLevel.C2], front_text=NFD_FRONT, back_text="Greece"))
            await s.commit()
        labels = await self.sql("SELECT level::text FROM decks ORDER BY level")
        tap.is_([r[0] for r in labels], ["A1", "A2", "B1", "B2", "C1", "C2"],
                "a deck at every DeckLevel, C1 and C2 included, stored under the member names")
        async with self.Session() as s:
            got = {d.level: d for d in (await s.execute(select(Deck))).scalars()}
            tap.is_(sorted(got, key=list(DeckLevel).index), list(DeckLevel),
                    "decks read back as DeckLevel members")
            cards = (await s.execute(select(Card).where(Card.deck_id == deck.id)
                                     .order_by(Card.order_index))).scalars().all()
            tap.is_([(c.difficulty, c.front_text, c.back_text, c.example_sentence, c.pronunciation)
                     for c in cards],
                    [(d,) + g for d, g in GREEK.items()],
                    "cards at every CardDifficulty, Greek text read back equal, in order_index order")
            c2 = (await s.execute(select(Card).where(Card.deck_id == self.decks[DeckLevel.C2].id))).scalar_one()
            tap.is_((c2.difficulty, c2.order_index, c2.front_text), (CardDifficulty.MEDIUM, 0, NFD_FRONT),
                    "a card without difficulty/order_index gets the app's defaults (MEDIUM, 0); "
                    "decomposed (NFD) Greek stays decomposed")
            self.cards = list(cards) + [c2]
            hard = (await s.execute(select(Card).where(Card.difficulty == CardDifficulty.HARD))).scalars().all()
            tap.is_([c.front_text for c in hard], ["προϋπόθεση"], "filter by difficulty = CardDifficulty.HARD")
        stored = await self.sql(
            "SELECT difficulty::text, convert_to(front_text, 'UTF8'), convert_to(example_sentence, 'UTF8') "
            "FROM cards WHERE example_sentence IS NOT NULL ORDER BY order_index")
        tap.is_([tuple(r) for r in stored],
                [(d.name, f.encode("utf-8"), e.encode("utf-8")) for d, (f, _, e, _) in GREEK.items()],
                "the database holds the Greek byte for byte as UTF-8, difficulty as EASY/MEDIUM/HARD")
        nfd = await self.sql_scalar("SELECT convert_to(front_text, 'UTF8') FROM cards WHERE back_text = 'Greece'")
        tap.is_(nfd, NFD_FRONT.encode("utf-8"), "... the NFD text too")

    async def progress_and_statistics(self):
        async with self.Session() as s:
            now = datetime.utcnow()
            for level, studied in ((DeckLevel.A1, now), (DeckLevel.A2, None),
                                   (DeckLevel.B1, now - timedelta(days=3))):
                s.add(UserDeckProgress(user_id=self.user_id, deck_id=self.decks[level].id,
                                       cards_studied=3, last_studied_at=studied))
            # every status the app has; the first without a date: CURRENT_DATE
            dates = [None, self.today - timedelta(days=1), self.today + timedelta(days=5), self.today]
            for card, status, due in zip(self.cards, list(CardStatus), dates):
                st = CardStatistics(user_id=self.user_id, card_id=card.id, status=status)
                if due is not None:
                    st.next_review_date = due
                s.add(st)
            await s.commit()
        rows = await self.sql("SELECT status::text AS label, next_review_date, easiness_factor, "
                              "interval, repetitions FROM card_statistics ORDER BY status")
        tap.is_([tuple(r) for r in rows],
                [("NEW", self.today, 2.5, 0, 0),
                 ("LEARNING", self.today - timedelta(days=1), 2.5, 0, 0),
                 ("REVIEW", self.today + timedelta(days=5), 2.5, 0, 0),
                 ("MASTERED", self.today, 2.5, 0, 0)],
                "statistics in every CardStatus (NEW, LEARNING, REVIEW, MASTERED), the app's "
                "defaults, next_review_date from the server's CURRENT_DATE when not given")
        async with self.Session() as s:
            for status in CardStatus:
                got = (await s.execute(select(CardStatistics).where(
                    CardStatistics.status == status))).scalars().all()
                if [g.status for g in got] != [status]:
                    tap.diag("get_by_status(%s): %s" % (status, got))
                    break
            else:
                status = None
            tap.ok(status is None, "get_by_status finds each CardStatus member")

    async def reviews(self):
        # quality 0..5 as ReviewRating members, spread over days for the queries
        when = {
            ReviewRating.PERFECT: None,  # server default now()
            ReviewRating.CORRECT_HESITANT: self.midnight + timedelta(seconds=1),
            ReviewRating.CORRECT_HARD: self.midnight - timedelta(hours=3),
            ReviewRating.INCORRECT_EASY: self.midnight - timedelta(days=1, hours=2),
            ReviewRating.INCORRECT_HARD: self.midnight - timedelta(days=9, hours=12),
            ReviewRating.BLACKOUT: self.midnight - timedelta(days=39),
        }
        async with self.Session() as s:
            for n, (quality, at) in enumerate(when.items()):
                r = Review(user_id=self.user_id, card_id=self.cards[n % 3].id,
                           quality=quality, time_taken=4 + n)
                if at is not None:
                    r.reviewed_at = at
                s.add(r)
            await s.commit()
        rows = await self.sql("SELECT pg_typeof(quality)::text, quality FROM reviews ORDER BY quality")
        tap.is_([tuple(r) for r in rows], [("integer", q) for q in range(6)],
                "reviews with quality 0 to 5 (ReviewRating members) stored as integers")

    async def read_back(self):
        async with self.Session() as s:
            user = (await s.execute(select(User).where(User.email == "eleni@example.gr"))).scalar_one()
            # every relationship is selectin: all of this is loaded already;
            # a lazy load here would raise MissingGreenlet under asyncio
            tap.is_((user.settings.daily_goal, len(user.refresh_tokens), len(user.deck_progress),
                     len(user.card_statistics), sorted(r.quality for r in user.reviews)),
                    (20, 1, 3, 4, [0, 1, 2, 3, 4, 5]),
                    "read back as objects: the user with settings, token, progress, statistics, reviews")
            tap.is_(sorted({(r.card.deck.level, r.card.front_text) for r in user.reviews},
                           key=lambda x: x[1]),
                    sorted({(DeckLevel.A1, GREEK[d][0]) for d in CardDifficulty}, key=lambda x: x[1]),
                    "review -> card -> deck through the back references")
            tap.ok(all(ReviewRating(r.quality) in ReviewRating for r in user.reviews)
                   and all(type(r.quality) is int for r in user.reviews),
                   "each quality reads back as an int that is a ReviewRating value")

    async def queries(self):
        uid = self.user_id
        async with self.Session() as s:
            # CardStatisticsRepository.get_due_cards
            due = (await s.execute(
                select(CardStatistics).where(CardStatistics.user_id == uid,
                                             CardStatistics.next_review_date <= self.today)
                .order_by(CardStatistics.next_review_date))).scalars().all()
            tap.is_([{d.status for d in due[:1]}, {d.status for d in due[1:]}],
                    [{CardStatus.LEARNING}, {CardStatus.NEW, CardStatus.MASTERED}],
                    "get_due_cards: next_review_date <= today, oldest first")
            due_in_deck = (await s.execute(
                select(CardStatistics).join(Card, Card.id == CardStatistics.card_id)
                .where(CardStatistics.user_id == uid, CardStatistics.next_review_date <= self.today,
                       Card.deck_id == self.decks[DeckLevel.C2].id)
                .order_by(CardStatistics.next_review_date))).scalars().all()
            tap.is_([d.card.front_text for d in due_in_deck], [NFD_FRONT],
                    "get_due_cards for one deck (join cards on deck_id)")

            # ReviewRepository.get_average_quality
            async def avg(days):
                cutoff = datetime.utcnow() - timedelta(days=days)
                res = (await s.execute(select(func.avg(Review.quality)).where(
                    Review.user_id == uid, Review.reviewed_at >= cutoff))).scalar()
                return float(res) if res is not None else 0.0
            tap.is_((await avg(7), await avg(60)), (3.5, 2.5),
                    "get_average_quality: avg(quality) as a float, last 7 days 3.5, last 60 days 2.5")

            # get_user_reviews(start, end): end of day 23:59:59.999999, newest first
            start = datetime.combine(self.today - timedelta(days=10), dtime.min)
            end = datetime.combine(self.today - timedelta(days=1), dtime.max)
            got = (await s.execute(select(Review).where(
                Review.user_id == uid, Review.reviewed_at >= start, Review.reviewed_at <= end)
                .order_by(Review.reviewed_at.desc()))).scalars().all()
            tap.is_([r.quality for r in got], [3, 2, 1],
                    "get_user_reviews: the date range, up to 23:59:59.999999, newest first")

            # count_reviews_today
            n = (await s.execute(select(func.count()).select_from(Review).where(
                Review.user_id == uid, Review.reviewed_at >= self.midnight))).scalar()
            tap.is_(n, 2, "count_reviews_today: reviewed_at >= today's midnight (UTC)")

            # get_streak: date(reviewed_at) grouped over the last 30 days
            days = (await s.execute(
                select(func.date(Review.reviewed_at)).where(
                    Review.user_id == uid,
                    Review.reviewed_at >= datetime.combine(self.today - timedelta(days=30), dtime.min))
                .group_by(func.date(Review.reviewed_at))
                .order_by(func.date(Review.reviewed_at).desc()))).scalars().all()
            want = [self.today - timedelta(days=d) for d in (0, 1, 2, 10)]
            tap.is_(days, want, "get_streak: distinct review dates as Python dates")
            streak = 0
            while streak < len(days) and days[streak] == self.today - timedelta(days=streak):
                streak += 1
            tap.is_(streak, 3, "... a 3-day streak")

            # DeckRepository
            found = (await s.execute(select(Deck).where(
                Deck.is_active.is_(True),
                sa.or_(Deck.name.ilike("%φράσεις c1%"), Deck.description.ilike("%ΕΠΊΠΕΔΟ C1%"))
            ))).scalars().all()
            tap.is_([d.level for d in found], [DeckLevel.C1],
                    "deck search: ILIKE on Greek name and description, case-insensitive")
            newest = (await s.execute(select(Deck).where(Deck.level == DeckLevel.B2)
                                      .order_by(Deck.created_at.desc()))).scalars().all()
            tap.is_([d.name for d in newest], ["Λέξεις B2: Καθημερινές Φράσεις"],
                    "decks by level (DeckLevel.B2), newest first")
            n = (await s.execute(select(func.count(Card.id)).where(
                Card.deck_id == self.decks[DeckLevel.A1].id))).scalar()
            tap.is_(n, 3, "count(*) of a deck's cards")
            page = (await s.execute(select(Deck).order_by(Deck.level).offset(2).limit(2))).scalars().all()
            tap.is_([d.level for d in page], [DeckLevel.B1, DeckLevel.B2], "offset / limit")

            # UserDeckProgressRepository: last_studied_at desc nulls last
            prog = (await s.execute(select(UserDeckProgress).where(UserDeckProgress.user_id == uid)
                                    .order_by(UserDeckProgress.last_studied_at.desc().nulls_last())
                                    )).scalars().all()
            tap.is_([p.deck.level for p in prog], [DeckLevel.A1, DeckLevel.B1, DeckLevel.A2],
                    "progress by last_studied_at descending, NULLS LAST")

        # token cleanup: delete expires_at < cut-off
        async with self.Session() as s:
            s.add(RefreshToken(user_id=uid, token="rt-expired",
                               expires_at=datetime.utcnow() - timedelta(days=1)))
            await s.commit()
            res = await s.execute(delete(RefreshToken).where(RefreshToken.expires_at < datetime.utcnow()))
            await s.commit()
            left = (await s.execute(select(RefreshToken.token))).scalars().all()
            tap.is_((res.rowcount, left), (1, ["rt-eleni-1"]),
                    "token cleanup deletes only the expired token")

            # the app's generic update helper: an UPDATE through the ORM
            await s.execute(update(UserSettings).where(UserSettings.user_id == uid)
                            .values(daily_goal=30))
            await s.commit()
            tap.is_(await self.sql_scalar("SELECT daily_goal FROM user_settings WHERE user_id = :u", u=uid),
                    30, "update user_settings.daily_goal")

    async def sql_writers(self):
        """Rows written by other clients: the contract's server defaults."""
        got = (await self.sql_exec(
            """INSERT INTO decks (name, level) VALUES ('Εισαγωγή από CSV', 'A1')
               RETURNING is_active""")).all()
        tap.is_([tuple(r) for r in got], [(True,)],
                "a deck inserted in SQL without is_active gets true (server default the app lacks)")
        uid = await self.sql_scalar("SELECT uuid_generate_v4()")
        tap.ok(isinstance(uid, uuid.UUID), "the app's tests may call uuid_generate_v4() (uuid-ossp)")
        async with self.Session() as s:
            u = User(id=uid, email="given-id@example.gr")
            s.add(u)
            await s.commit()
        tap.is_(await self.sql_scalar("SELECT id FROM users WHERE email = 'given-id@example.gr'"), uid,
                "a user with an id the client chose keeps it")
        # RELEARNING is a label the contract has and the app's enum lacks
        await self.sql_exec("UPDATE card_statistics SET status = 'RELEARNING' WHERE status = 'REVIEW'")
        try:
            async with self.Session() as s:
                (await s.execute(select(CardStatistics))).scalars().all()
            raised = None
        except LookupError as exc:
            raised = "LookupError"
            tap.diag(str(exc).splitlines()[0])
        tap.is_(raised, "LookupError",
                "a RELEARNING row (written in SQL) is unreadable by the app's CardStatus: "
                "only the seed may use that label")
        await self.sql_exec("UPDATE card_statistics SET status = 'REVIEW' WHERE status = 'RELEARNING'")

    async def january(self):
        """The app's January columns (revision 1.4), used as the app does:
        login by external id, avatar, settings, a learner's own decks and
        their cascade, premium decks."""
        sub = "auth0|65a1f0c2e4b0d9a1b2c3d4e5"
        async with self.Session() as s:
            maria = User(email="maria@example.gr", full_name="Μαρία", auth0_id=sub)
            maria.settings = UserSettings(preferred_language="el", theme="dark")
            s.add(maria)
            await s.flush()
            maria.avatar_url = "avatars/%s/%s.jpg" % (maria.id, uuid.uuid4())
            own = Deck(name="Οι λέξεις της Μαρίας", level=DeckLevel.B1, owner=maria)
            premium = Deck(name="Ποίηση (premium)", level=DeckLevel.C1, owner=maria, is_premium=True)
            s.add_all([own, premium])
            await s.flush()
            s.add(Card(deck=own, front_text="θάλασσα", back_text="sea"))
            await s.commit()
            maria_id, avatar = maria.id, maria.avatar_url
        async with self.Session() as s:
            got = (await s.execute(select(User).where(User.auth0_id == sub))).scalar_one()
            tap.is_((got.id, got.avatar_url, got.settings.preferred_language, got.settings.theme),
                    (maria_id, avatar, "el", "dark"),
                    "login by external id (auth0_id) finds the learner; avatar_url, "
                    "preferred_language and theme read back")
            tap.is_(sorted((d.name, d.is_premium) for d in got.owned_decks),
                    [("Οι λέξεις της Μαρίας", False), ("Ποίηση (premium)", True)],
                    "a learner's own decks (decks.owner_id) through the relationship")
            listed = (await s.execute(select(Deck.name).where(Deck.is_premium.is_(True)))).scalars().all()
            tap.is_(listed, ["Ποίηση (premium)"], "premium decks: is_premium = true")
            system = (await s.execute(select(func.count()).select_from(Deck).where(
                Deck.owner_id.is_(None), Deck.is_premium.is_(False)))).scalar()
            tap.is_(system, len(DeckLevel) + 1,
                    "system decks: owner_id NULL, is_premium false (the server default also for "
                    "the deck inserted in SQL without it)")
        try:
            async with self.Session() as s:
                s.add(User(email="other@example.gr", auth0_id=sub))
                await s.commit()
            raised = None
        except sa.exc.IntegrityError as exc:
            raised = "ix_users_auth0_id" in str(exc)
        tap.is_(raised, True, "a second learner with the same auth0_id: refused (unique ix_users_auth0_id)")
        counts = """SELECT (SELECT count(*) FROM decks WHERE owner_id = :u),
                           (SELECT count(*) FROM cards WHERE front_text = 'θάλασσα'),
                           (SELECT count(*) FROM user_settings WHERE user_id = :u),
                           (SELECT count(*) FROM users WHERE id = :u)"""
        async with self.Session() as s:
            await s.delete(await s.get(User, maria_id))
            await s.commit()
        tap.is_(tuple((await self.sql(counts, u=maria_id))[0]), (0, 0, 0, 0),
                "deleting the learner through the ORM removes her own decks and their cards")
        uid = (await self.sql_exec(
            "INSERT INTO users (email, auth0_id) VALUES ('yannis@example.gr', 'auth0|y') RETURNING id")).scalar()
        deck_id = (await self.sql_exec(
            "INSERT INTO decks (name, level, owner_id) VALUES ('Του Γιάννη', 'A2', :u) RETURNING id",
            u=uid)).scalar()
        await self.sql_exec("INSERT INTO cards (deck_id, front_text, back_text) "
                            "VALUES (:d, 'θάλασσα', 'sea')", d=deck_id)
        tap.is_(tuple((await self.sql(counts, u=uid))[0]), (1, 1, 0, 1),
                "a learner with her own deck, written in SQL")
        await self.sql_exec("DELETE FROM users WHERE id = :u", u=uid)
        tap.is_(tuple((await self.sql(counts, u=uid))[0]), (0, 0, 0, 0),
                "... and in SQL (fk_decks_owner_id_users ON DELETE CASCADE)")

    async def sql_exec(self, stmt, **params):
        async with self.engine.begin() as conn:
            return await conn.execute(text(stmt), params)

    async def cascade(self):
        counts = """SELECT (SELECT count(*) FROM user_settings WHERE user_id = :u),
                           (SELECT count(*) FROM refresh_tokens WHERE user_id = :u),
                           (SELECT count(*) FROM user_deck_progress WHERE user_id = :u),
                           (SELECT count(*) FROM card_statistics WHERE user_id = :u),
                           (SELECT count(*) FROM reviews WHERE user_id = :u),
                           (SELECT count(*) FROM users WHERE id = :u)"""
        # a second user, to be deleted in SQL
        async with self.Session() as s:
            other = User(email="nikos@example.gr", full_name="Νίκος")
            other.settings = UserSettings()
            other.refresh_tokens = [RefreshToken(token="rt-nikos",
                                                 expires_at=datetime.utcnow() + timedelta(days=1))]
            other.deck_progress = [UserDeckProgress(deck_id=self.decks[DeckLevel.C1].id)]
            other.card_statistics = [CardStatistics(card_id=self.cards[0].id)]
            other.reviews = [Review(card_id=self.cards[0].id, quality=ReviewRating.PERFECT, time_taken=3)]
            s.add(other)
            await s.commit()
            other_id = other.id
        before = tuple((await self.sql(counts, u=self.user_id))[0])
        tap.is_(before, (1, 1, 3, 4, 6, 1), "before the deletes: the user's rows")
        async with self.Session() as s:
            user = (await s.execute(select(User).where(User.id == self.user_id))).scalar_one()
            await s.delete(user)
            await s.commit()
        tap.is_(tuple((await self.sql(counts, u=self.user_id))[0]), (0, 0, 0, 0, 0, 0),
                "deleting the user through the ORM removes settings, tokens, progress, "
                "statistics and reviews")
        tap.is_(tuple((await self.sql(counts, u=other_id))[0]), (1, 1, 1, 1, 1, 1),
                "... and nothing of the other user")
        await self.sql_exec("DELETE FROM users WHERE id = :u", u=other_id)
        tap.is_(tuple((await self.sql(counts, u=other_id))[0]), (0, 0, 0, 0, 0, 0),
                "deleting a user in SQL cascades (ON DELETE CASCADE) the same way")
        left = await self.sql("SELECT (SELECT count(*) FROM decks), (SELECT count(*) FROM cards)")
        tap.is_(tuple(left[0]), (7, 4), "decks and cards stay")
        async with self.Session() as s:
            deck = (await s.execute(select(Deck).where(Deck.level == DeckLevel.A1,
                                                       Deck.name.like("Λέξεις%")))).scalar_one()
            await s.delete(deck)
            await s.commit()
        tap.is_(tuple((await self.sql("SELECT count(*) FROM cards"))[0]), (1,),
                "deleting a deck through the ORM removes its cards")


async def run():
    engine = async_engine(DB, server_settings=SERVER_SETTINGS)
    try:
        app = App(engine)
        tz = await app.sql_scalar("SHOW TimeZone")
        tap.is_(tz, "UTC", "the session's time zone is UTC, as the process's")
        await step("registration", app.register())
        await step("login", app.login())
        await step("decks and cards", app.content())
        await step("progress and statistics", app.progress_and_statistics())
        await step("reviews", app.reviews())
        await step("reading back", app.read_back())
        await step("queries", app.queries())
        await step("other writers", app.sql_writers())
        await step("the January columns", app.january())
        await step("cascade", app.cascade())
    finally:
        await engine.dispose()


def main():
    tap.diag("SQLAlchemy %s, asyncpg %s, Python %s"
             % (sa.__version__, asyncpg.__version__, sys.version.split()[0]))
    if EXISTING:
        tap.diag("database %s as the caller prepared it; server settings %s"
                 % (DB, SERVER_SETTINGS or "none"))
    try:
        if not EXISTING:
            dbs.create(DB)
            dbs.run(DB, "CREATE EXTENSION flashcard_schema VERSION '%s'" % models.REVISION)
        version = dbs.engine(DB).connect().execute(sa.text(
            """SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'""")).scalar()
        tap.is_(version, models.REVISION,
                "flashcard_schema at the revision the models describe (%s)" % models.REVISION)
        if not EXISTING:
            dbs.run(DB, 'CREATE EXTENSION "uuid-ossp"')
        asyncio.run(run())
    except Exception:  # noqa: BLE001
        tap.diag(traceback.format_exc())
        tap.ok(False, "the test ran to the end")
    finally:
        if EXISTING:
            eng = dbs.engines.pop(DB, None)
            if eng is not None:
                eng.dispose()
        dbs.drop_all(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
