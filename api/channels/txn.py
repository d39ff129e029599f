"""Work that commits on its own, outside the request's session: the one way channels do it.

Services write in the caller's transaction and never commit. What must be visible to every
process at once, before the reply goes back (a delivery id claimed, a pending reply written,
the state of an outbound row), runs through `committed` (from a worker thread) or
`in_transaction` (from async code): its own session, committed, rolled back if it raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

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
