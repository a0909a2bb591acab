#!/usr/bin/python3
"""Revision 1.3 as the application sees it: the update converts the reviews
a 1.2 database holds, and the downgrade refuses to lose the scores the app
writes.

A database at 1.2 holds reviews rated AGAIN, HARD, GOOD, EASY (written in
SQL, as 1.2's only possible values).  The app's real models
(test/lib/models.py, async SQLAlchemy on asyncpg) cannot average them there.
After `ALTER EXTENSION flashcard_schema UPDATE TO '1.3'` the app reads them
as 1, 2, 3, 4 (the seed's numbers), every other column of every row intact,
and avg(quality) works.  Then the app records a BLACKOUT (0) and a PERFECT
(5): the downgrade to 1.2 refuses with SQLSTATE 55000 and the message, detail
and hint of flashcard_schema--1.3--1.2.sql, and changes nothing; once the
app has changed those two reviews as the hint says, it goes through and the
ratings come back as the labels they were.

An app that keeps pooled asyncpg connections across the update meets
asyncpg's cached statements: that is shown too, as docs/operations.md advises.

Needs a running server reachable through the PG* variables (pg_virtualenv)
as a superuser, and Debian's python3-sqlalchemy, python3-asyncpg,
python3-greenlet and python3-psycopg2.  Prints TAP; creates and drops its
own database app_update_1_3.
"""

import asyncio
import os
import sys
import time
import traceback
from datetime import datetime, timedelta

os.environ["TZ"] = "UTC"
time.tzset()

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

try:
    import sqlalchemy as sa
    from sqlalchemy import func, select, text
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import sessionmaker

    from models import Card, Review, ReviewRating
    from sqlalchemy.orm import noload
    from taplib import Databases, Tap, async_engine
except Exception:  # noqa: BLE001
    print("Bail out! cannot import SQLAlchemy (asyncio), asyncpg or test/lib/models.py "
          "(apt-get install python3-sqlalchemy python3-asyncpg python3-greenlet "
          "python3-psycopg2; run with /usr/bin/python3)")
    for line in traceback.format_exc().splitlines():
        print("# " + line)
    sys.exit(255)

# test/lib/models.py declares the app of 2026-01-20: users and decks with
# 1.4's columns, which a 1.3 database lacks.  This test reads reviews and
# cards only (their columns are the same at 1.3), without loading the
# related users and decks.
AT_1_3 = noload("*")

tap = Tap()
dbs = Databases()
DB = "app_update_1_3"

# The seed's numbers for 1.2's ratings (docs/contract.md, revision 1.3).
SEED = {"AGAIN": 1, "HARD": 2, "GOOD": 3, "EASY": 4}
# Eight reviews at 1.2: every rating, twice, a quarter of an hour apart.
RATINGS = ["AGAIN", "HARD", "GOOD", "EASY", "EASY", "GOOD", "GOOD", "AGAIN"]

ROWS = """SELECT id, user_id, card_id, quality::text, time_taken, reviewed_at,
                 created_at, updated_at FROM reviews ORDER BY reviewed_at"""

REFUSAL = {
    "sqlstate": "55000",
    "message": "downgrading flashcard_schema to 1.2 would discard the quality of 2 "
               "review(s) outside 1 to 4",
    "detail": "Revision 1.2 stores a review's quality as reviewrating (AGAIN 1, HARD 2, "
              "GOOD 3, EASY 4); 2 row(s) of table reviews hold 0, 5 or another score it "
              "cannot represent.",
    "hint": "Change or delete those reviews first, or run SET flashcard_schema.allow_data_loss "
            "= on in this session to have 0 and below stored as AGAIN and 5 and above as EASY.",
}


def rows():
    with dbs.engine(DB).connect() as conn:
        return [tuple(r) for r in conn.execute(text(ROWS))]


def version():
    return dbs.scalar(DB, "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")


def alter(to):
    """ALTER EXTENSION ... UPDATE TO `to` (as the DBA, through psycopg2):
    None when it succeeds, else the error's fields."""
    try:
        dbs.run(DB, "ALTER EXTENSION flashcard_schema UPDATE TO '%s'" % to)
        return None
    except sa.exc.DBAPIError as exc:
        d = exc.orig.diag
        return {"sqlstate": exc.orig.pgcode, "message": d.message_primary,
                "detail": d.message_detail, "hint": d.message_hint}


async def app_average(Session, user_id):
    async with Session() as s:
        res = (await s.execute(select(func.avg(Review.quality)).where(
            Review.user_id == user_id,
            Review.reviewed_at >= datetime.utcnow() - timedelta(days=30)))).scalar()
        return float(res) if res is not None else 0.0


async def run():
    engine = async_engine(DB)
    Session = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    # a second engine that keeps its pooled connection across the update
    pooled = async_engine(DB, poolclass=sa.pool.AsyncAdaptedQueuePool, pool_size=1)
    try:
        await scenario(Session, pooled)
    finally:
        await engine.dispose()
        await pooled.dispose()


async def scenario(Session, pooled):
    # --- 1.2, with reviews written in SQL ---------------------------------
    dbs.create(DB)
    dbs.run(DB, "CREATE EXTENSION flashcard_schema VERSION '1.2'",
            "INSERT INTO users (email) VALUES ('maria@example.gr')",
            "INSERT INTO decks (name, level) VALUES ('Ρήματα', 'A2')",
            "INSERT INTO cards (deck_id, front_text, back_text) "
            "SELECT id, 'γράφω', 'I write' FROM decks")
    now = datetime.utcnow().replace(microsecond=0)
    with dbs.engine(DB).begin() as conn:
        for n, rating in enumerate(RATINGS):
            conn.execute(text(
                """INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
                   SELECT u.id, c.id, CAST(:q AS reviewrating), :t, :at FROM users u, cards c"""),
                {"q": rating, "t": 3 + n, "at": now - timedelta(minutes=15 * (len(RATINGS) - n))})
    before = rows()
    tap.is_([r[3] for r in before], RATINGS, "at 1.2: eight reviews rated AGAIN..EASY, written in SQL")
    user_id = before[0][1]

    try:
        await app_average(Session, user_id)
        error = None
    except sa.exc.DBAPIError as exc:
        error = str(exc.orig).split(": ", 1)[-1].splitlines()[0]
    tap.is_(error, "function avg(reviewrating) does not exist",
            "at 1.2 the app's get_average_quality fails (the defect of issue 7)")
    async with pooled.connect() as conn:  # the pool keeps this connection
        await conn.execute(select(Review.id, Review.quality).limit(1))

    # --- the update --------------------------------------------------------
    tap.is_(alter("1.3"), None, "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")
    after = rows()
    want = [r[:3] + (str(SEED[r[3]]),) + r[4:] for r in before]
    tap.is_(after, want, "every review kept: AGAIN, HARD, GOOD, EASY became 1, 2, 3, 4; "
            "ids, user, card, time taken, reviewed_at, created_at, updated_at unchanged")

    async with Session() as s:
        # (AT_1_3: models.py is the app of 2026-01-20, whose User and Deck
        # have 1.4's columns; reviews and cards are loaded without them)
        mine = (await s.execute(select(Review).where(Review.user_id == user_id)
                                .options(AT_1_3))).scalars().all()
        tap.is_(sorted(r.quality for r in mine), sorted(SEED[q] for q in RATINGS),
                "the app reads them as its integer scores")
        tap.ok(all(type(r.quality) is int for r in mine), "... as Python ints")
    avg = await app_average(Session, user_id)
    tap.is_(avg, sum(SEED[q] for q in RATINGS) / len(RATINGS),
            "get_average_quality works: %s" % avg)

    # A connection pooled before the update: asyncpg had cached the
    # statement with the old column type.
    try:
        async with pooled.connect() as conn:
            await conn.execute(select(Review.id, Review.quality).limit(1))
        first = "ok"
    except sa.exc.DBAPIError as exc:
        first = type(exc.orig).__name__
        tap.diag(str(exc.orig).splitlines()[0])
    async with pooled.connect() as conn:
        again = (await conn.execute(select(func.count()).where(Review.quality >= 1))).scalar()
    tap.diag("a connection pooled before the update: first query %s, next one %s"
             % (first, "ok" if again == len(RATINGS) else again))
    tap.ok(again == len(RATINGS),
           "a connection pooled before the update works again after at most one "
           "failed statement (asyncpg's statement cache)")

    # --- the app writes 0 and 5; the downgrade refuses ----------------------
    async with Session() as s:
        card = (await s.execute(select(Card).options(AT_1_3))).scalar_one()
        for q in (ReviewRating.BLACKOUT, ReviewRating.PERFECT):
            s.add(Review(user_id=user_id, card_id=card.id, quality=q, time_taken=9,
                         reviewed_at=datetime.utcnow()))
        await s.commit()
    kept = rows()
    tap.is_(sorted(r[3] for r in kept), sorted([str(SEED[q]) for q in RATINGS] + ["0", "5"]),
            "the app records a BLACKOUT (0) and a PERFECT (5)")
    tap.is_(alter("1.2"), REFUSAL,
            "UPDATE TO '1.2' refuses: SQLSTATE 55000, the count, what 1.2 can hold, the way out")
    tap.is_((version(), rows()), ("1.3", kept), "... and changes nothing: still 1.3, every row as it was")

    # --- as the hint says: change those reviews, then downgrade -------------
    async with Session() as s:
        for r in (await s.execute(select(Review).where(
                Review.quality.notin_([1, 2, 3, 4])).options(AT_1_3))).scalars():
            r.quality = 1 if r.quality < 1 else 4
        await s.commit()
    tap.is_(alter("1.2"), None, "with the two reviews changed by the app, the downgrade goes through")
    back = rows()
    tap.is_([r[3] for r in back[:len(RATINGS)]], RATINGS,
            "back at 1.2 the converted reviews hold their original labels")
    tap.is_(sorted(r[3] for r in back[len(RATINGS):]), ["AGAIN", "EASY"],
            "... and the app's two changed reviews AGAIN and EASY")


def main():
    try:
        asyncio.run(run())
    except Exception:  # noqa: BLE001
        tap.diag(traceback.format_exc())
        tap.ok(False, "the test ran to the end")
    finally:
        dbs.drop_all(tap)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
