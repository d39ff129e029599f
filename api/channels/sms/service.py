"""Answering one inbound SMS: the same dialogue as every channel, the reply through a template."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from api.channels.enums import DedupState
from api.channels.outbound import queue_message, record_inbound, take_pending
from api.channels.runtime import ChannelRuntime
from api.channels.sms.aliyun import SmsUp
from api.channels.sms.replies import POINTER_TEMPLATE, pointer_params
from api.channels.sms.senders import pseudonym, remember
from api.channels.txn import in_transaction
from api.chat.rasa_client import RasaClient
from api.chat.service import converse

log = logging.getLogger(__name__)


async def answer_sms(
    message: SmsUp, *, runtime: ChannelRuntime, rasa: RasaClient, sessions: sessionmaker[Session]
) -> None:
    """Run after the push was acknowledged; the message's key was claimed by the caller.

    The conversation runs under the mobile's pseudonym (api/channels/sms/senders.py), never the
    mobile itself; the mapping is recorded first, so the reply and the identity check can use it.
    """
    secret_key = runtime.settings.secret_key
    sender = pseudonym(secret_key, message.phone_number)

    def arrived(session: Session) -> None:
        remember(session, secret_key=secret_key, phone=message.phone_number)
        record_inbound(session, sender=sender)

    await in_transaction(sessions, arrived)
    if await runtime.limiter.hit(sender) is not None:
        # No reply: every SMS we send costs money and a rate-limited sender would only get more.
        log.info("sms from %s rate limited, not answered", sender)
        await runtime.dedup.update(message.dedup_key, state=DedupState.done)
        return
    replies = await converse(
        rasa,
        sender=sender,
        text=message.content,
        channel="sms",
        metadata={"sequence_id": message.sequence_id},
        sessions=sessions,
        secret_key=secret_key,
    )
    text = "\n".join(m.text for m in replies)

    def queue(session: Session) -> int:
        row = queue_message(
            session,
            sender=sender,
            text=text,
            sms_template=POINTER_TEMPLATE,
            sms_params=pointer_params(text),
            dedup_key=f"reply:{message.dedup_key}",
        )
        take_pending(session)  # delivered just below, not by the after-commit wake
        return row.id

    message_id = await in_transaction(sessions, queue)
    await runtime.dispatcher.deliver([message_id])
    await runtime.dedup.update(message.dedup_key, state=DedupState.done)


async def answer_sms_logged(
    message: SmsUp, *, runtime: ChannelRuntime, rasa: RasaClient, sessions: sessionmaker[Session]
) -> None:
    """answer_sms for a background task: a failure is logged and does not stop the batch's others."""
    try:
        await answer_sms(message, runtime=runtime, rasa=rasa, sessions=sessions)
    except Exception:  # logged with its traceback; the push was already acknowledged
        log.exception("sms %s could not be answered", message.dedup_key)
