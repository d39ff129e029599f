"""Answering one inbound SMS: the same dialogue as every channel, the reply through a template.

`accept_sms` runs before the push is acknowledged: it claims the message and writes its pending
reply (api/channels/pending.py) in one transaction with the sender's records, so the answer
survives the process dying after the acknowledgement. `answer_sms` then produces and sends it
in the background; if this process dies first, another process's sweep answers it after the lease.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from api.channels.enums import DedupState
from api.channels.outbound import record_inbound
from api.channels.pending import Pending, add_pending
from api.channels.runtime import ChannelRuntime
from api.channels.sms.aliyun import SmsUp
from api.channels.sms.senders import pseudonym, remember
from api.db import in_transaction

log = logging.getLogger(__name__)


async def accept_sms(message: SmsUp, *, runtime: ChannelRuntime, sessions: sessionmaker[Session]) -> Pending | None:
    """The pending reply to answer now, or None (a re-push already taken, or rate limited).

    The conversation runs under the mobile's pseudonym (api/channels/sms/senders.py), never the
    mobile itself; the mapping is recorded here, so the reply and the identity check can use it.
    """
    key = message.dedup_key
    record = await runtime.dedup.claim(key)
    if record is not None and record.state != DedupState.processing:
        return None  # a re-push of a message already answered (or refused)
    # A re-push while the key is still "processing" may follow a first push whose process died
    # between its claim and its pending row: writing the row again is harmless (one per key).
    secret_key = runtime.settings.secret_key
    lease, seal = runtime.answerer.lease, runtime.answerer.seal
    # Only the first push counts against the sender's limit. A limited message gets no reply:
    # every SMS we send costs money and a rate-limited sender would only get more.
    limited = record is None and await runtime.limiter.hit(pseudonym(secret_key, message.phone_number)) is not None

    def arrived(session: Session) -> Pending | None:
        sender = remember(session, secret_key=secret_key, phone=message.phone_number)
        record_inbound(session, sender=sender)
        if limited:
            return None
        question, dedup_key = message.content, f"reply:{key}"
        return add_pending(session, sender=sender, question=question, dedup_key=dedup_key, lease=lease, seal=seal)

    pending = await in_transaction(sessions, arrived)
    if limited:
        log.info("sms %s rate limited, not answered", key)
        await runtime.dedup.update(key, state=DedupState.done)
    return pending


async def answer_sms(message: SmsUp, pending: Pending, *, runtime: ChannelRuntime) -> None:
    """Run after the push was acknowledged: the dialogue turn, then the SMS (or nothing, if
    another process has taken the pending reply over meanwhile)."""
    await runtime.answerer.answer(pending, metadata={"sequence_id": message.sequence_id})
    await runtime.dedup.update(message.dedup_key, state=DedupState.done)


async def answer_sms_logged(message: SmsUp, pending: Pending, *, runtime: ChannelRuntime) -> None:
    """answer_sms for a background task: a failure is logged and does not stop the batch's others."""
    try:
        await answer_sms(message, pending, runtime=runtime)
    except Exception:  # logged with its traceback; the pending row is answered by the sweep later
        log.exception("sms %s could not be answered now", message.dedup_key)
