"""Delivering a queued message to WeChat: customer-service messages within the 48-hour window.

WeChat allows customer-service messages only within WECHAT_CS_WINDOW_HOURS of the user's last
message and at most WECHAT_CS_MAX_PER_WINDOW of them per window; otherwise the row is marked
undeliverable with the reason. A long text is sent in parts of at most WECHAT_CHUNK_CHARS.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.enums import OutboundStatus
from api.channels.models import ChannelContact
from api.channels.plugin import Claimed, Delivery, SenderContext
from api.channels.wechat.client import (
    AccessTokenCache,
    CustomerService,
    HttpTransport,
    RecordingTransport,
    WeChatTransport,
)
from api.db import committed, utcnow

log = logging.getLogger(__name__)

WECHAT_CHUNK_CHARS = 600  # a customer-service text is limited to about 2,048 bytes


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


class WeChatSender:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        customer_service: CustomerService,
        window: timedelta,
        max_per_window: int,
    ) -> None:
        self._sessions = sessions
        self.customer_service = customer_service
        self._window = window
        self._max_per_window = max_per_window

    @property
    def transport(self) -> WeChatTransport:
        return self.customer_service.transport

    async def deliver(self, claimed: Claimed, delivery: Delivery) -> None:
        openid = claimed.sender.partition(":")[2]
        parts = split_text(claimed.text)
        refusal = await run_in_threadpool(self._window_refusal, claimed.sender, len(parts))
        if refusal is not None:
            log.info("outbound %s to %s not deliverable: %s", claimed.id, claimed.sender, refusal)
            await run_in_threadpool(delivery.finish, claimed.id, OutboundStatus.undeliverable, refusal, claimed.channel)
            return
        for i, part in enumerate(parts):
            outcome = await self.customer_service.send_text(openid=openid, text=part)
            if outcome.ok:
                await run_in_threadpool(self._count_sent, claimed.sender)
                continue
            reason = outcome.reason or "发送失败"
            if outcome.retry and i == 0:
                await run_in_threadpool(delivery.retry_later, claimed, reason)
            else:
                status = OutboundStatus.failed if outcome.retry else OutboundStatus.undeliverable
                if i > 0:
                    reason = f"只发出了前 {i} 段：{reason}"
                await run_in_threadpool(delivery.finish, claimed.id, status, reason, claimed.channel)
            return
        await run_in_threadpool(delivery.finish, claimed.id, OutboundStatus.sent)

    def _window_refusal(self, sender: str, parts: int) -> str | None:
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
        def count(session: Session) -> None:
            session.execute(
                update(ChannelContact)
                .where(ChannelContact.sender == sender)
                .values(sent_in_window=ChannelContact.sent_in_window + 1)
            )

        committed(self._sessions, count)

    async def aclose(self) -> None:
        if isinstance(self.transport, HttpTransport):
            await self.transport.aclose()


def build_sender(context: SenderContext) -> WeChatSender:
    settings = context.settings
    transport: WeChatTransport
    if settings.wechat_api == "live":
        transport = HttpTransport(
            app_id=settings.wechat_app_id, app_secret=settings.wechat_app_secret, base_url=settings.wechat_api_base
        )
    else:
        transport = RecordingTransport()
    tokens = AccessTokenCache(transport, redis=context.redis, prefix=settings.channels_redis_prefix)
    return WeChatSender(
        sessions=context.sessions,
        customer_service=CustomerService(transport, tokens),
        window=timedelta(hours=settings.wechat_cs_window_hours),
        max_per_window=settings.wechat_cs_max_per_window,
    )
