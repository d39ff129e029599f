"""Delivering a queued message by SMS: its template to the sender's mobile (api.notify.send_sms)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.enums import OutboundStatus
from api.channels.plugin import Claimed, Delivery, SenderContext
from api.channels.sms.errors import NoMobileForSender
from api.channels.sms.replies import POINTER_TEMPLATE
from api.channels.sms.senders import delivery_phone
from api.db import committed
from api.errors import ValidationFailed
from api.notify import SmsProvider, send_sms
from api.privacy import mask_text


class SmsSender:
    def __init__(self, *, sessions: sessionmaker[Session], provider: SmsProvider) -> None:
        self._sessions = sessions
        self._provider = provider

    async def deliver(self, claimed: Claimed, delivery: Delivery) -> None:
        await run_in_threadpool(self._send, claimed, delivery)

    def _send(self, claimed: Claimed, delivery: Delivery) -> None:
        def send(session: Session) -> None:
            # The mobile of a pseudonymous sender (sms:p…) comes from api/channels/sms/senders.py.
            phone = delivery_phone(session, claimed.sender)
            if phone is None:
                raise NoMobileForSender()
            send_sms(
                session,
                self._provider,
                phone=phone,
                template_code=claimed.sms_template or POINTER_TEMPLATE,
                params={k: str(v) for k, v in (claimed.sms_params or {}).items()},
                dedup_key=f"outbound:{claimed.id}",
            )

        try:
            committed(self._sessions, send)
        except ValidationFailed as exc:
            delivery.finish(claimed.id, OutboundStatus.undeliverable, mask_text(exc.message)[:200], claimed.channel)
            return
        delivery.finish(claimed.id, OutboundStatus.sent)

    async def aclose(self) -> None:
        return None


def build_sender(context: SenderContext) -> SmsSender:
    return SmsSender(sessions=context.sessions, provider=context.sms)
