"""Messages we send on our own initiative: late answers, ticket replies, reminders.

A late answer starts as a pending reply (status answering, api/channels/pending.py) that
the dispatcher leaves alone until its answer has made it a queued message.

`queue_message` writes a durable row in the caller's transaction; once that
transaction commits, the `OutboundDispatcher` of this process delivers it
(other processes' rows, e.g. the reminders job's, are picked up by its periodic
sweep). Delivery by channel:

- wx:<openid>   WeChat customer-service message, only within 48 hours of the
                user's last message and within the per-window count; otherwise
                the row is marked undeliverable with the reason.
- sms:<mobile>  only through an approved template (api.notify.send_sms); text
                without a template is shortened into REPLY_POINTER. The mobile of a
                pseudonymous sender (sms:p…) comes from api/channels/sms/senders.py.
- web:<id>      stored for the chat page to fetch.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.enums import OutboundStatus
from api.channels.models import ChannelContact, OutboundMessage
from api.channels.sms.replies import POINTER_TEMPLATE, pointer_params
from api.channels.sms.senders import delivery_phone
from api.channels.wechat.client import CustomerService
from api.db import utcnow
from api.errors import ValidationFailed
from api.metrics import OUTBOUND_FAILURES
from api.notify import SmsProvider, get_template, send_sms
from api.privacy import mask_text
from api.vocab import ChannelKind

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Deliveries of one process in flight at once. Every commit wakes its own delivery, so a burst
# of commits would otherwise start them all together: they would take every worker thread the
# requests need too (anyio's 40), and wait past the HTTP client's pool timeout, each then
# retried 30 s later. Measured by `make bench` (bench/outbound.py): the rest queue in memory.
MAX_IN_FLIGHT = 16
WECHAT_CHUNK_CHARS = 600  # a customer-service text is limited to about 2,048 bytes
STALE_SENDING = timedelta(minutes=10)
_PENDING_KEY = "outbound_queued"


def channel_of(sender: str) -> tuple[ChannelKind, str]:
    """Split "wx:o123" into (ChannelKind.wechat, "o123"); a 422 for anything else."""
    prefix, _, address = sender.partition(":")
    try:
        kind = ChannelKind(prefix)
    except ValueError:
        raise ValidationFailed(
            "发送对象格式应为 web:<编号>、wx:<OpenID> 或 sms:<手机号>", fields={"sender": "格式不正确"}
        ) from None
    if not address or len(sender) > 160:
        raise ValidationFailed("发送对象缺少编号", fields={"sender": "格式不正确"})
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
    text = text.strip()
    if not text and not (kind == ChannelKind.sms and sms_template):
        raise ValidationFailed("消息内容不能为空", fields={"text": "必填"})
    if kind == ChannelKind.sms:
        if sms_template is None:
            sms_template, sms_params = POINTER_TEMPLATE, pointer_params(text)
        get_template(sms_template).render(sms_params or {})  # refuse now what the provider would refuse
    elif sms_template is not None or sms_params is not None:
        sms_template = sms_params = None  # templates only matter for SMS
    message = OutboundMessage(
        sender=sender,
        channel=kind.value,
        text=text,
        sms_template=sms_template,
        sms_params=dict(sms_params) if sms_params is not None else None,
        status=OutboundStatus.stored if kind == ChannelKind.web else OutboundStatus.queued,
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
    if kind != ChannelKind.web:
        session.info.setdefault(_PENDING_KEY, []).append(message.id)
    return message


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


def split_text(text: str, size: int = WECHAT_CHUNK_CHARS) -> list[str]:
    """Cut a long text into parts of at most `size` characters, at a line break where possible."""
    parts: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    if text:
        parts.append(text)
    return parts


@dataclass(frozen=True)
class _Claimed:
    id: int
    sender: str
    channel: str
    text: str
    sms_template: str | None
    sms_params: dict[str, Any] | None
    attempts: int


class OutboundDispatcher:
    """Delivers queued rows; one row is sent by one deliverer (claimed by a conditional UPDATE)."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        customer_service: CustomerService,
        sms: SmsProvider,
        window: timedelta,
        max_per_window: int,
        database_url: str,
    ) -> None:
        self._sessions = sessions
        self.customer_service = customer_service
        self._sms = sms
        self._window = window
        self._max_per_window = max_per_window
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
                if claimed.channel == ChannelKind.wechat:
                    await self._deliver_wechat(claimed)
                elif claimed.channel == ChannelKind.sms:
                    await run_in_threadpool(self._deliver_sms, claimed)

    def _due_ids(self) -> list[int]:
        now = utcnow()
        with self._sessions() as session:
            interrupted = session.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.status == OutboundStatus.sending,
                    OutboundMessage.next_attempt_at < now - STALE_SENDING,
                )
                .values(status=OutboundStatus.failed, reason="发送中断（进程退出），未重发以免重复")
            )
            session.commit()
            if interrupted.rowcount:  # type: ignore[attr-defined]
                OUTBOUND_FAILURES.labels("unknown", str(OutboundStatus.failed)).inc(interrupted.rowcount)  # type: ignore[attr-defined]
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

    def _claim(self, message_id: int) -> _Claimed | None:
        now = utcnow()
        with self._sessions() as session:
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
            session.commit()
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return _Claimed(
                id=row.id,
                sender=row.sender,
                channel=row.channel,
                text=row.text,
                sms_template=row.sms_template,
                sms_params=row.sms_params,
                attempts=row.attempts + 1,
            )

    def _finish(
        self, message_id: int, status: OutboundStatus, reason: str | None = None, channel: str = "unknown"
    ) -> None:
        values: dict[str, Any] = {"status": status, "reason": reason}
        if status == OutboundStatus.sent:
            values["delivered_at"] = utcnow()
        with self._sessions() as session:
            session.execute(update(OutboundMessage).where(OutboundMessage.id == message_id).values(**values))
            session.commit()
        if status in (OutboundStatus.failed, OutboundStatus.undeliverable):
            OUTBOUND_FAILURES.labels(str(channel), str(status)).inc()

    def _retry_later(self, claimed: _Claimed, reason: str) -> None:
        if claimed.attempts >= MAX_ATTEMPTS:
            self._finish(claimed.id, OutboundStatus.failed, f"重试 {MAX_ATTEMPTS} 次仍失败：{reason}", claimed.channel)
            return
        delay = timedelta(seconds=30 * 2 ** (claimed.attempts - 1))
        with self._sessions() as session:
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id == claimed.id)
                .values(status=OutboundStatus.queued, reason=reason, next_attempt_at=utcnow() + delay)
            )
            session.commit()

    def _wechat_window(self, sender: str, parts: int) -> str | None:
        """None when WeChat allows `parts` more customer-service messages to `sender` now, else why not."""
        with self._sessions() as session:
            contact = session.get(ChannelContact, sender)
            if contact is None or contact.last_inbound_at < utcnow() - self._window:
                hours = int(self._window.total_seconds() // 3600)
                return f"超出{hours}小时客服消息时限（用户{hours}小时内没有发消息）"
            if contact.sent_in_window + parts > self._max_per_window:
                return f"超出客服消息条数限制（每次用户留言后最多{self._max_per_window}条）"
            return None

    def _count_sent(self, sender: str) -> None:
        with self._sessions() as session:
            session.execute(
                update(ChannelContact)
                .where(ChannelContact.sender == sender)
                .values(sent_in_window=ChannelContact.sent_in_window + 1)
            )
            session.commit()

    async def _deliver_wechat(self, claimed: _Claimed) -> None:
        openid = claimed.sender.partition(":")[2]
        parts = split_text(claimed.text)
        refusal = await run_in_threadpool(self._wechat_window, claimed.sender, len(parts))
        if refusal is not None:
            log.info("outbound %s to %s not deliverable: %s", claimed.id, claimed.sender, refusal)
            await run_in_threadpool(self._finish, claimed.id, OutboundStatus.undeliverable, refusal, claimed.channel)
            return
        for i, part in enumerate(parts):
            outcome = await self.customer_service.send_text(openid=openid, text=part)
            if outcome.ok:
                await run_in_threadpool(self._count_sent, claimed.sender)
                continue
            reason = outcome.reason or "发送失败"
            if outcome.retry and i == 0:
                await run_in_threadpool(self._retry_later, claimed, reason)
            else:
                status = OutboundStatus.failed if outcome.retry else OutboundStatus.undeliverable
                if i > 0:
                    reason = f"只发出了前 {i} 段：{reason}"
                await run_in_threadpool(self._finish, claimed.id, status, reason, claimed.channel)
            return
        await run_in_threadpool(self._finish, claimed.id, OutboundStatus.sent)

    def _deliver_sms(self, claimed: _Claimed) -> None:
        try:
            with self._sessions() as session:
                phone = delivery_phone(session, claimed.sender)
                if phone is None:
                    raise ValidationFailed("找不到该短信会话对应的手机号")
                send_sms(
                    session,
                    self._sms,
                    phone=phone,
                    template_code=claimed.sms_template or POINTER_TEMPLATE,
                    params={k: str(v) for k, v in (claimed.sms_params or {}).items()},
                    dedup_key=f"outbound:{claimed.id}",
                )
                session.commit()
        except ValidationFailed as exc:
            self._finish(claimed.id, OutboundStatus.undeliverable, mask_text(exc.message)[:200], claimed.channel)
            return
        self._finish(claimed.id, OutboundStatus.sent)


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
