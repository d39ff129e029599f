"""Database engine, ORM base and the request-scoped session.

Services never commit: the request's session commits once when the route
returns and rolls back on any error, so a failed request writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from starlette.concurrency import run_in_threadpool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend.

    SQLite stores no offset, so values are normalised to UTC on the way in and
    given back their UTC offset on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
            # The sqlite3 driver's own transaction handling breaks SAVEPOINTs (begin_nested),
            # which the check-in de-duplication and the tests' rollback rely on; SQLAlchemy's
            # documented recipe: turn it off and emit BEGIN ourselves (see _sqlite_begin).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            # With WAL, NORMAL is safe from corruption and avoids an fsync per commit.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front and waits (busy_timeout) for it; a deferred
            # BEGIN would fail at once with SQLITE_BUSY when two transactions upgrade from reading.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": the commit runs when the route returns and BEFORE the response is sent, so a
# failed commit becomes the error response (e.g. 503) instead of a 201 for a record never stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


# Work that commits on its own, outside the request's session: the one way to do it. Services
# write in the caller's transaction and never commit. What must be visible to every process at
# once, before the reply goes back (a delivery id claimed, a pending reply written, the state of
# an outbound row, the handles of a chat message), runs through `committed` (from a worker
# thread) or `in_transaction` (from async code): its own session, committed, rolled back if it
# raises.
T = TypeVar("T")


def committed(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """Run `work` in its own session and commit it (rolled back if it raises)."""
    with sessions() as session:
        result = work(session)
        session.commit()
        return result


async def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """`committed`, in the thread pool."""
    return await run_in_threadpool(committed, sessions, work)
