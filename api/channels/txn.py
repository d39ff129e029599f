"""Short committed transactions run from async code (in the thread pool)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


async def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """Run `work` in its own session and commit it (rolled back if it raises)."""

    def run() -> T:
        with sessions() as session:
            result = work(session)
            session.commit()
            return result

    return await run_in_threadpool(run)
