"""De-duplication of platform deliveries (WeChat MsgId, SMS sequence_id).

Platforms retry a delivery they think was lost; each delivery id must get one
answer and cause one side effect. The first request to *claim* a key owns it;
a retry finds the key with the state and, once known, the reply of the first.

Two stores with one interface:
- Redis (when REDIS_URL is configured): SET NX with a TTL, so every process
  sharing the Redis sees the claim at once.
- The database otherwise: a row whose unique key makes a second insert fail,
  committed in its own short transaction before the work starts (api/db.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
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
from api.db import committed, utcnow


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
    """Each operation runs in its own committed transaction (visible to every process at once)."""

    def __init__(self, sessions: sessionmaker[Session], *, ttl_seconds: int) -> None:
        self._sessions = sessions
        self._ttl = timedelta(seconds=ttl_seconds)

    def _claim(self, key: str, state: str, then: Callable[[Session], None] | None = None) -> DedupRecord | None:
        # Not through api.db.committed: a lost insert race is rolled back and the same session then
        # reads (or takes over) the winner's row, so this one commits at each of its outcomes.
        now = utcnow()
        expires = now + self._ttl
        with self._sessions() as session:
            try:
                session.add(InboundMessage(key=key, state=state, created_at=now, updated_at=now, expires_at=expires))
                session.flush()
                if then is not None:
                    then(session)
                session.commit()
                return None
            except IntegrityError:
                session.rollback()
            row = session.scalar(select(InboundMessage).where(InboundMessage.key == key))
            if row is None:  # deleted meanwhile (expired and purged): claim again
                return self._claim(key, state, then)
            if row.expires_at < now:
                # An old delivery id seen again after its TTL: a new delivery (ids are reused rarely).
                claimed = session.execute(
                    update(InboundMessage)
                    .where(InboundMessage.id == row.id, InboundMessage.expires_at == row.expires_at)
                    .values(state=state, reply=None, updated_at=now, expires_at=expires)
                )
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    if then is not None:
                        then(session)
                    session.commit()
                    return None
                session.commit()
                return self._get(key)
            return DedupRecord(state=row.state, reply=row.reply)

    def _update(self, key: str, state: str, reply: str | None) -> None:
        def write(session: Session) -> None:
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.key == key)
                .values(state=state, reply=reply, updated_at=utcnow())
            )

        committed(self._sessions, write)

    def _get(self, key: str) -> DedupRecord | None:
        with self._sessions() as session:
            row = session.scalar(select(InboundMessage).where(InboundMessage.key == key))
            return None if row is None else DedupRecord(state=row.state, reply=row.reply)

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
        return await run_in_threadpool(self._claim, key, state)

    async def claim_then(self, key: str, then: Callable[[Session], None]) -> DedupRecord | None:
        """claim(), and when this caller wins, run `then` in the same transaction (one commit)."""
        return await run_in_threadpool(self._claim, key, DedupState.processing, then)

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
