"""Answering one WeChat message: once per MsgId, passively within ~4 s or later by customer service.

The first delivery of a message claims its key and does the work; a retry of
the same message (WeChat retries when it got no answer within 5 s) never calls
the dialogue engine again: it gets the same passive reply if there was one,
else "success" (the answer is on its way through the customer-service API).

An answer that misses the passive window is durable work before "success" goes
back: the question is written as a pending reply (api/channels/pending.py), which
this process answers when the running turn ends, or any process's sweep after
the lease if this one dies first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.channels.answerer import join
from api.channels.dedup import DatabaseDedup, DedupRecord, wait_for_outcome
from api.channels.enums import DedupState
from api.channels.outbound import queue_message, record_inbound, take_pending
from api.channels.pending import Pending, add_pending
from api.channels.runtime import ChannelRuntime
from api.channels.wechat.protocol import Inbound
from api.channels.wechat.sender import split_text
from api.chat.rasa_client import RasaClient
from api.chat.schemas import ChatMessage
from api.chat.service import converse
from api.db import in_transaction

log = logging.getLogger(__name__)
T = TypeVar("T")

WELCOME = (
    "您好，欢迎关注！我是失业保险智能助手，可以帮您：\n"
    "1. 解答失业保险金的申领条件、领取标准和期限等政策问题；\n"
    "2. 办理每月的按月申领（资格核验），需先验证身份；\n"
    "3. 查询申领进度和补发政策；\n"
    "4. 转人工或登记诉求（回复“人工”）。\n"
    "请直接输入您的问题，例如“失业金怎么申领”。人社服务热线：12333。"
)
UNSUPPORTED = "目前只能识别文字消息。请用文字输入您的问题，例如“失业金怎么申领”，或拨打12333人社服务热线。"
VOICE_UNRECOGNISED = "没能识别这段语音，请用文字输入您的问题，或拨打12333人社服务热线。"
# Events that are not the user talking to us: no reply and no customer-service window.
SILENT_EVENTS = {"unsubscribe", "view", "location", "templatesendjobfinish", "masssendjobfinish"}
_CONVERSE = "\x00converse"  # marker: the message goes to the dialogue engine
# WeChat waits 5 s; the passive deadline (WECHAT_PASSIVE_REPLY_SECONDS, 4 s) plus this stays below it.
REPLY_MARGIN_SECONDS = 0.5
REST_DELAY_SECONDS = 1.5  # the rest of a long answer waits for the passive reply (first part) to arrive


class WeChatHandler:
    def __init__(self, *, runtime: ChannelRuntime, rasa: RasaClient, sessions: sessionmaker[Session]) -> None:
        self.runtime = runtime
        self.rasa = rasa
        self.sessions = sessions

    async def _db(self, work: Callable[[Session], T]) -> T:
        return await in_transaction(self.sessions, work)

    async def handle(self, inbound: Inbound, *, deadline: float) -> str | None:
        """The passive reply's text, or None to answer "success" (nothing, or later)."""
        key = inbound.dedup_key
        dedup = self.runtime.dedup
        record = await self._claim(inbound)
        if record is not None:
            log.info("wechat retry of %s (first delivery %s)", key, record.state)
            if record.state == DedupState.processing:
                record = await wait_for_outcome(dedup, key, seconds=deadline - _now())
            if record is not None and record.state == DedupState.answered and record.reply:
                return record.reply
            return None
        try:
            reply = await self._immediate_reply(inbound)
        except BaseException:
            # Failed before the dialogue engine was called: forget the claim so a retry can try again.
            await asyncio.shield(dedup.release(key))
            raise
        if reply is _CONVERSE:
            return await self._converse(inbound, deadline=deadline)
        await self._record(key, DedupState.answered if reply else DedupState.done, reply, deadline=deadline)
        return reply

    async def _claim(self, inbound: Inbound) -> DedupRecord | None:
        """Claim the message; the first delivery of a user's message also opens the 48-hour window."""
        dedup = self.runtime.dedup
        if inbound.msg_type == "event" and inbound.event in SILENT_EVENTS:
            return await dedup.claim(inbound.dedup_key)

        def remember(session: Session) -> None:
            record_inbound(session, sender=inbound.sender)

        if isinstance(dedup, DatabaseDedup):
            # The claim joins this transaction: the sender's contact is recorded with it, or neither.
            database = dedup

            def claim_and_remember(session: Session) -> DedupRecord | None:
                record = database.claim_in(session, inbound.dedup_key)
                if record is None:
                    remember(session)
                return record

            return await self._db(claim_and_remember)
        record = await dedup.claim(inbound.dedup_key)
        if record is None:
            await self._db(remember)
        return record

    async def _immediate_reply(self, inbound: Inbound) -> str | None:
        """A reply that needs no dialogue engine, None for no reply, or _CONVERSE."""
        if inbound.msg_type == "event" and inbound.event in SILENT_EVENTS:
            return None
        refusal = await self.runtime.limiter.hit(inbound.sender)
        if refusal is not None:
            log.info("wechat %s rate limited", inbound.sender)
            return refusal
        if inbound.msg_type == "event":
            return WELCOME
        if inbound.msg_type in ("text", "voice") and inbound.text.strip():
            return _CONVERSE
        return VOICE_UNRECOGNISED if inbound.msg_type == "voice" else UNSUPPORTED

    async def _converse(self, inbound: Inbound, *, deadline: float) -> str | None:
        key = inbound.dedup_key
        task = self.runtime.spawn(
            converse(
                self.rasa,
                sender=inbound.sender,
                text=inbound.text,
                channel="wechat",
                metadata={"msg_id": str(inbound.msg_id)},
                sessions=self.sessions,
                secret_key=self.runtime.settings.secret_key,
            ),
            name=f"converse {key}",
        )
        done, _ = await asyncio.wait({task}, timeout=max(0.0, deadline - _now()))
        if task in done:
            parts = split_text(join(task.result()))
            if not parts:
                await self._record(key, DedupState.done, None, deadline=deadline)
                return None
            if len(parts) > 1:  # the rest of a long answer follows as customer-service messages
                rest = "\n".join(parts[1:])

                def queue_rest(session: Session) -> int:
                    row = queue_message(session, sender=inbound.sender, text=rest, dedup_key=f"rest:{key}")
                    take_pending(session)  # sent after the passive reply has had time to arrive
                    return row.id

                rest_id = await self._db(queue_rest)
                self.runtime.spawn(self._deliver_after(rest_id, REST_DELAY_SECONDS), name=f"rest {key}")
            await self._record(key, DedupState.answered, parts[0], deadline=deadline)
            return parts[0]
        # Too slow for a passive reply: answer "success" once the question is a pending reply
        # (durable), and send the answer when it comes.
        write = await self._defer(inbound, deadline=deadline)
        self.runtime.spawn(self._deliver_later(inbound, task, write), name=f"deliver {key}")
        log.info("wechat %s deferred to the customer-service path", key)
        return None

    async def _defer(self, inbound: Inbound, *, deadline: float) -> asyncio.Future[Pending | None]:
        """Write the pending reply, waiting at most until WeChat's limit is near (a slow database
        must not cost the "success": the write then goes on and is awaited before the answer)."""
        lease, seal = self.runtime.answerer.lease, self.runtime.answerer.seal

        def pending(session: Session) -> Pending | None:
            key = f"late:{inbound.dedup_key}"
            return add_pending(
                session, sender=inbound.sender, question=inbound.text, dedup_key=key, lease=lease, seal=seal
            )

        # Spawned (kept by the runtime) so that shutdown waits for the write, too.
        write = self.runtime.spawn(self._db(pending), name=f"pending {inbound.dedup_key}")
        done, _ = await asyncio.wait({write}, timeout=max(0.05, deadline + REPLY_MARGIN_SECONDS - _now()))
        if not done:
            log.warning("wechat %s: pending reply not written in time, answered success anyway", inbound.dedup_key)
        return write

    async def _record(self, key: str, state: DedupState, reply: str | None, *, deadline: float) -> None:
        """Store the outcome (the passive reply) for retries, waiting at most until WeChat's limit is near.

        A slow write (a busy database) goes on in the background rather than delay the reply.
        """
        update = asyncio.ensure_future(self.runtime.dedup.update(key, state=state, reply=reply))
        try:
            await asyncio.wait_for(asyncio.shield(update), timeout=max(0.05, deadline + REPLY_MARGIN_SECONDS - _now()))
        except TimeoutError:
            self.runtime.spawn(_finish(update), name=f"record {key}")

    async def _deliver_after(self, message_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.runtime.dispatcher.deliver([message_id])

    async def _deliver_later(
        self, inbound: Inbound, task: asyncio.Task[list[ChatMessage]], write: asyncio.Future[Pending | None]
    ) -> None:
        key = inbound.dedup_key
        await self.runtime.dedup.update(key, state=DedupState.deferred)  # a retry now answers "success"
        messages = await task
        try:
            pending = await write
        except SQLAlchemyError as exc:
            # No pending row: nothing durable to finish, so send from memory as before (best effort).
            log.error("wechat %s: pending reply not written (%s)", key, type(exc).__name__)
            await self._queue_late(inbound, join(messages))
        else:
            if pending is not None:  # None: the row was someone else's (a concurrent delivery)
                await self.runtime.answerer.finish(pending, messages)
        await self.runtime.dedup.update(key, state=DedupState.done)

    async def _queue_late(self, inbound: Inbound, text: str) -> None:
        key = inbound.dedup_key
        if text:

            def queue(session: Session) -> int:
                row = queue_message(session, sender=inbound.sender, text=text, dedup_key=f"late:{key}")
                take_pending(session)  # delivered just below, not by the after-commit wake
                return row.id

            message_id = await self._db(queue)
            await self.runtime.dispatcher.deliver([message_id])


async def _finish(future: asyncio.Future[None]) -> None:
    await future


def _now() -> float:
    return asyncio.get_running_loop().time()
