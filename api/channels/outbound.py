"""Messages we send on our own initiative: late answers, ticket replies, reminders.

A late answer starts as a pending reply (status answering, api/channels/pending.py) that
the dispatcher leaves alone until its answer has made it a queued message.

`queue_message` writes a durable row in the caller's transaction; once that
transaction commits, the `OutboundDispatcher` of this process delivers it
(other processes' rows, e.g. the reminders job's, are picked up by its periodic
sweep). How a row is shaped and delivered is its channel's (api/channels/registry.py):

- wx:<openid>   WeChat customer-service message within the 48-hour window
                (api/channels/wechat/sender.py).
- sms:<mobile>  only through an approved template; text without a template is
                shortened into REPLY_POINTER (api/channels/sms/replies.py, sender.py).
- web:<id>      stored for the chat page to fetch.

This module imports no channel: it looks the channel up by the sender's prefix. Only the
dispatcher commits on its own (api/db.py); `queue_message` and `record_inbound`
write in the caller's transaction.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.enums import OutboundStatus
from api.channels.errors import EmptyMessage, MissingAddress, UnknownSenderPrefix
from api.channels.models import ChannelContact, OutboundMessage
from api.channels.plugin import Claimed, Draft, OutboundSender
from api.channels.registry import plugin_for
from api.db import committed, utcnow
from api.metrics import OUTBOUND_FAILURES
from api.vocab import ChannelKind

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Deliveries of one process in flight at once. Every commit wakes its own delivery, so a burst
# of commits would otherwise start them all together: they would take every worker thread the
# requests need too (anyio's 40), and wait past the HTTP client's pool timeout, each then
# retried 30 s later. Measured by `make bench` (bench/outbound.py): the rest queue in memory.
MAX_IN_FLIGHT = 16
STALE_SENDING = timedelta(minutes=10)
_PENDING_KEY = "outbound_queued"


def channel_of(sender: str) -> tuple[ChannelKind, str]:
    """Split "wx:o123" into (ChannelKind.wechat, "o123"); a 422 for anything else."""
    prefix, _, address = sender.partition(":")
    try:
        kind = ChannelKind(prefix)
    except ValueError:
        raise UnknownSenderPrefix() from None
    if not address or len(sender) > 160:
        raise MissingAddress()
    return kind, address


def queue_message(
    session: Session,
    *,
    sender: str,
    text: str,
    sms_template: str | None = None,
    sms_params: dict[str, str] | None = None,
    dedup_key: str | None = None,
    author: str | None = None,
    quick_replies: list[str] | None = None,
) -> OutboundMessage:
    """Queue one message for `sender`; with `dedup_key`, queuing it again returns the first row.

    `author` "staff" marks a staff member's words; `quick_replies` are offered as buttons where
    the channel can show them (the web chat page); other channels have them in the text.
    """
    kind, _ = channel_of(sender)
    channel = plugin_for(kind)
    draft = Draft(text=text.strip(), sms_template=sms_template, sms_params=sms_params)
    _require_content(draft)
    draft = channel.compose(draft)
    _require_content(draft)  # a template given to a channel that sends text only does not count
    message = OutboundMessage(
        sender=sender,
        channel=kind.value,
        text=draft.text,
        sms_template=draft.sms_template,
        sms_params=dict(draft.sms_params) if draft.sms_params is not None else None,
        status=OutboundStatus.stored if channel.stores_only else OutboundStatus.queued,
        attempts=0,
        dedup_key=dedup_key,
        author=author,
        quick_replies=list(quick_replies) if quick_replies else None,
        created_at=utcnow(),
    )
    if dedup_key is not None:
        existing = session.scalar(select(OutboundMessage).where(OutboundMessage.dedup_key == dedup_key))
        if existing is not None:
            return existing
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        existing = session.scalar(select(OutboundMessage).where(OutboundMessage.dedup_key == dedup_key))
        if existing is None:
            raise
        return existing
    if not channel.stores_only:
        session.info.setdefault(_PENDING_KEY, []).append(message.id)
    return message


def _require_content(draft: Draft) -> None:
    if not draft.text and not draft.sms_template:
        raise EmptyMessage()


def take_pending(session: Session) -> list[int]:
    """Rows queued in this session, which the caller will deliver itself (no after-commit wake)."""
    ids: list[int] = session.info.pop(_PENDING_KEY, [])
    return ids


def web_messages(session: Session, *, sender: str, after_id: int = 0, limit: int = 50) -> list[OutboundMessage]:
    stmt = (
        select(OutboundMessage)
        .where(OutboundMessage.sender == sender, OutboundMessage.id > after_id)
        .order_by(OutboundMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def sent_to(session: Session, *, sender: str, limit: int) -> list[OutboundMessage]:
    """The newest `limit` messages for `sender`, newest first. An "answering" row still holds the
    claimant's question until its answer replaces it: not a message sent, so not listed."""
    stmt = (
        select(OutboundMessage)
        .where(OutboundMessage.sender == sender, OutboundMessage.status != OutboundStatus.answering)
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def record_inbound(session: Session, *, sender: str, at: datetime | None = None) -> None:
    """The sender just wrote to us: a new customer-service window opens (WeChat's 48 hours)."""
    at = at or utcnow()
    done = session.execute(
        update(ChannelContact).where(ChannelContact.sender == sender).values(last_inbound_at=at, sent_in_window=0)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(ChannelContact(sender=sender, last_inbound_at=at, sent_in_window=0))
        except IntegrityError:  # created by a concurrent message meanwhile
            session.execute(
                update(ChannelContact)
                .where(ChannelContact.sender == sender)
                .values(last_inbound_at=at, sent_in_window=0)
            )


class OutboundDispatcher:
    """Delivers queued rows; one row is sent by one deliverer (claimed by a conditional UPDATE).

    Each row goes to the sender of its channel (`senders`, built by api/channels/registry.py); a
    row of a channel without one is left alone. The dispatcher is the outbound code that commits
    on its own: claiming a row, and its outcome, are each a short transaction of their own.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        senders: Mapping[str, OutboundSender],
        database_url: str,
    ) -> None:
        self._sessions = sessions
        self.senders = dict(senders)
        self.database_url = database_url
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    # --- scheduling -------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        _DISPATCHERS.add(self)

    def stop(self) -> None:
        _DISPATCHERS.discard(self)
        self._loop = None  # nothing is woken any more

    @property
    def tasks(self) -> set[asyncio.Task[Any]]:
        """Deliveries started by wake() and still running."""
        return set(self._tasks)

    def wake(self, ids: list[int]) -> None:
        """Deliver these rows soon; callable from any thread (e.g. a session's after-commit)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._spawn, list(ids))

    def _spawn(self, ids: list[int]) -> None:
        task = asyncio.get_running_loop().create_task(self.deliver(ids))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- delivery ---------------------------------------------------------------------------
    async def sweep(self) -> int:
        ids = await run_in_threadpool(self._due_ids)
        await self.deliver(ids)
        return len(ids)

    async def deliver(self, ids: list[int]) -> None:
        for message_id in ids:
            async with self._in_flight:
                claimed = await run_in_threadpool(self._claim, message_id)
                if claimed is None:
                    continue
                sender = self.senders.get(claimed.channel)
                if sender is not None:
                    await sender.deliver(claimed, self)

    async def aclose(self) -> None:
        for sender in self.senders.values():
            await sender.aclose()

    def _due_ids(self) -> list[int]:
        now = utcnow()

        def give_up_interrupted(session: Session) -> int:
            interrupted = session.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.status == OutboundStatus.sending,
                    OutboundMessage.next_attempt_at < now - STALE_SENDING,
                )
                .values(status=OutboundStatus.failed, reason="发送中断（进程退出），未重发以免重复")
            )
            return int(interrupted.rowcount)  # type: ignore[attr-defined]

        if interrupted := committed(self._sessions, give_up_interrupted):
            OUTBOUND_FAILURES.labels("unknown", str(OutboundStatus.failed)).inc(interrupted)
        with self._sessions() as session:
            stmt = (
                select(OutboundMessage.id)
                .where(
                    OutboundMessage.status == OutboundStatus.queued,
                    (OutboundMessage.next_attempt_at.is_(None)) | (OutboundMessage.next_attempt_at <= now),
                )
                .order_by(OutboundMessage.id)
                .limit(200)
            )
            return list(session.scalars(stmt))

    def _claim(self, message_id: int) -> Claimed | None:
        now = utcnow()

        def claim(session: Session) -> Claimed | None:
            # Read first: a row not yet committed (or already taken) costs no write lock.
            row = session.get(OutboundMessage, message_id)
            if row is None or row.status != OutboundStatus.queued:
                return None
            if row.next_attempt_at is not None and row.next_attempt_at > now:
                return None
            taken = session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id == message_id, OutboundMessage.status == OutboundStatus.queued)
                .values(status=OutboundStatus.sending, attempts=OutboundMessage.attempts + 1, next_attempt_at=now)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return Claimed(
                id=row.id,
                sender=row.sender,
                channel=row.channel,
                text=row.text,
                sms_template=row.sms_template,
                sms_params=row.sms_params,
                attempts=row.attempts + 1,
            )

        return committed(self._sessions, claim)

    # --- what a sender reports (the Delivery protocol of api/channels/plugin.py) -------------------
    def finish(
        self, message_id: int, status: OutboundStatus, reason: str | None = None, channel: str = "unknown"
    ) -> None:
        values: dict[str, Any] = {"status": status, "reason": reason}
        if status == OutboundStatus.sent:
            values["delivered_at"] = utcnow()

        def write(session: Session) -> None:
            session.execute(update(OutboundMessage).where(OutboundMessage.id == message_id).values(**values))

        committed(self._sessions, write)
        if status in (OutboundStatus.failed, OutboundStatus.undeliverable):
            OUTBOUND_FAILURES.labels(str(channel), str(status)).inc()

    def retry_later(self, claimed: Claimed, reason: str) -> None:
        if claimed.attempts >= MAX_ATTEMPTS:
            self.finish(claimed.id, OutboundStatus.failed, f"重试 {MAX_ATTEMPTS} 次仍失败：{reason}", claimed.channel)
            return
        delay = timedelta(seconds=30 * 2 ** (claimed.attempts - 1))

        def write(session: Session) -> None:
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id == claimed.id)
                .values(status=OutboundStatus.queued, reason=reason, next_attempt_at=utcnow() + delay)
            )

        committed(self._sessions, write)


_DISPATCHERS: weakref.WeakSet[OutboundDispatcher] = weakref.WeakSet()


def _database_url(session: Session) -> str | None:
    bind = session.bind
    if bind is None:
        return None
    return bind.engine.url.render_as_string(hide_password=False)


@event.listens_for(Session, "after_commit")
def _wake_dispatchers(session: Session) -> None:
    ids = session.info.pop(_PENDING_KEY, None)
    if not ids or not _DISPATCHERS:
        return
    url = _database_url(session)
    for dispatcher in list(_DISPATCHERS):
        if dispatcher.database_url == url:
            dispatcher.wake(ids)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
