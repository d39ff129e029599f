"""De-duplication of platform deliveries (WeChat MsgId, SMS sequence_id).

Platforms retry a delivery they think was lost; each delivery id must get one
answer and cause one side effect. The first request to *claim* a key owns it;
a retry finds the key with the state and, once known, the reply of the first.

Two stores with one interface:
- Redis (when REDIS_URL is configured): SET NX with a TTL, so every process
  sharing the Redis sees the claim at once.
- The database otherwise: a row whose unique key makes a second insert fail, written in
  the caller's transaction (`DatabaseDedup.claim_in`), or through `api.db.committed` in a
  short one of its own before the work starts (the async interface).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.enums import DedupState
from api.channels.models import InboundMessage
from api.db import committed, in_transaction, utcnow


@dataclass(frozen=True)
class DedupRecord:
    state: str
    reply: str | None = None


class DedupStore(Protocol):
    async def claim(self, key: str, *, state: str = DedupState.processing) -> DedupRecord | None:
        """Claim `key`: None when this caller is the first (it owns the work), else what is known."""
        ...

    async def update(self, key: str, *, state: str, reply: str | None = None) -> None: ...

    async def get(self, key: str) -> DedupRecord | None: ...

    async def release(self, key: str) -> None:
        """Forget a claim whose work failed before any side effect, so a retry may do it."""
        ...


class RedisDedup:
    def __init__(self, redis: Redis, *, prefix: str, ttl_seconds: int) -> None:
        self._redis = redis
        self._prefix = prefix + "dedup:"
        self._ttl = ttl_seconds

    @staticmethod
    def _encode(state: str, reply: str | None) -> str:
        return json.dumps({"s": state, "r": reply}, ensure_ascii=False)

    @staticmethod
    def _decode(raw: bytes | str | None) -> DedupRecord | None:
        if raw is None:
            return None
        data = json.loads(raw)
        return DedupRecord(state=str(data["s"]), reply=data.get("r"))

    async def claim(self, key: str, *, state: str = DedupState.processing) -> DedupRecord | None:
        name = self._prefix + key
        created = await self._redis.set(name, self._encode(state, None), nx=True, ex=self._ttl)
        if created:
            return None
        existing = self._decode(await self._redis.get(name))
        # The key expired between SET and GET: claim again (the race is harmless, the TTL is a day).
        return existing if existing is not None else await self.claim(key, state=state)

    async def update(self, key: str, *, state: str, reply: str | None = None) -> None:
        await self._redis.set(self._prefix + key, self._encode(state, reply), xx=True, keepttl=True)

    async def get(self, key: str) -> DedupRecord | None:
        return self._decode(await self._redis.get(self._prefix + key))

    async def release(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)


class DatabaseDedup:
    """Claims as rows of channel_inbound, written in the caller's transaction.

    `claim_in` joins a session the caller commits (WeChat claims and records the sender's
    contact in one transaction); the async interface runs each operation through
    `api.db.committed`, so a claim is visible to every process before the work starts.
    """

    def __init__(self, sessions: sessionmaker[Session], *, ttl_seconds: int) -> None:
        self._sessions = sessions
        self._ttl = timedelta(seconds=ttl_seconds)

    def claim_in(self, session: Session, key: str, *, state: str = DedupState.processing) -> DedupRecord | None:
        """Claim `key` in `session`'s transaction: None when this caller is the first, else what is known.

        The insert runs in a savepoint: when another transaction holds the key, the unique index
        refuses it (on PostgreSQL after waiting for that transaction to end), only the savepoint is
        rolled back, and the caller's transaction goes on to read the winner's row.
        """
        now = utcnow()
        expires = now + self._ttl
        try:
            with session.begin_nested():
                session.add(InboundMessage(key=key, state=state, created_at=now, updated_at=now, expires_at=expires))
            return None
        except IntegrityError:
            pass
        row = session.scalar(select(InboundMessage).where(InboundMessage.key == key))
        if row is None:  # deleted meanwhile (expired and purged): claim again
            return self.claim_in(session, key, state=state)
        if row.expires_at >= now:
            return DedupRecord(state=row.state, reply=row.reply)
        # An old delivery id seen again after its TTL: a new delivery (ids are reused rarely).
        taken = session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == row.id, InboundMessage.expires_at == row.expires_at)
            .values(state=state, reply=None, updated_at=now, expires_at=expires)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return None
        # Another delivery took it over first: what it wrote.
        session.expire(row)
        return self._record(session, key)

    @staticmethod
    def _record(session: Session, key: str) -> DedupRecord | None:
        row = session.scalar(select(InboundMessage).where(InboundMessage.key == key))
        return None if row is None else DedupRecord(state=row.state, reply=row.reply)

    def _update(self, key: str, state: str, reply: str | None) -> None:
        def write(session: Session) -> None:
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.key == key)
                .values(state=state, reply=reply, updated_at=utcnow())
            )

        committed(self._sessions, write)

    def _get(self, key: str) -> DedupRecord | None:
        return committed(self._sessions, lambda session: self._record(session, key))

    def _release(self, key: str) -> None:
        def forget(session: Session) -> None:
            session.execute(delete(InboundMessage).where(InboundMessage.key == key))

        committed(self._sessions, forget)

    def purge_expired(self) -> int:
        def purge(session: Session) -> int:
            result = session.execute(delete(InboundMessage).where(InboundMessage.expires_at < utcnow()))
            return int(result.rowcount)  # type: ignore[attr-defined]

        return committed(self._sessions, purge)

    async def claim(self, key: str, *, state: str = DedupState.processing) -> DedupRecord | None:
        return await in_transaction(self._sessions, lambda session: self.claim_in(session, key, state=state))

    async def update(self, key: str, *, state: str, reply: str | None = None) -> None:
        await run_in_threadpool(self._update, key, state, reply)

    async def get(self, key: str) -> DedupRecord | None:
        return await run_in_threadpool(self._get, key)

    async def release(self, key: str) -> None:
        await run_in_threadpool(self._release, key)


async def wait_for_outcome(store: DedupStore, key: str, *, seconds: float, poll: float = 0.1) -> DedupRecord | None:
    """Wait (at most `seconds`) until the first delivery of `key` has left the processing state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    record = await store.get(key)
    while record is not None and record.state == DedupState.processing and loop.time() < deadline:
        await asyncio.sleep(min(poll, max(0.0, deadline - loop.time())))
        record = await store.get(key)
    return record
