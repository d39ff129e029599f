"""Answering pending replies (api/channels/pending.py) and handing the answers to the dispatcher.

The process that acknowledged a message answers it at once (`answer`, or `finish` with the
dialogue turn it already has running); the sweep (`sweep`, run by ChannelRuntime.maintain in
every API process) answers those whose process died. The sweep lives in the API rather than
in the arq worker because answering needs what only the API process has set up: the dialogue
engine client, the WeChat token cache, the channel settings, and it must also run where there
is no Redis (SQLite development and test stacks have no worker).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.channels.outbound import OutboundDispatcher
from api.channels.pending import Pending, claim_due, complete
from api.channels.plugin import Draft
from api.channels.registry import plugin_for
from api.channels.sealing import QuestionSeal
from api.chat.rasa_client import RasaClient
from api.chat.schemas import ChatMessage
from api.chat.service import converse
from api.db import in_transaction
from api.vocab import ChannelKind

log = logging.getLogger(__name__)
# The dialogue engine names a channel by Channel, the sender's prefix is ChannelKind.
CONVERSE_CHANNEL = {kind.value: kind.channel.value for kind in ChannelKind}


def join(messages: list[ChatMessage]) -> str:
    """One WeChat text of a turn's replies."""
    return "\n\n".join(m.text for m in messages if m.text.strip())


class Answerer:
    def __init__(
        self,
        *,
        rasa: RasaClient,
        sessions: sessionmaker[Session],
        dispatcher: OutboundDispatcher,
        secret_key: str,
        lease: timedelta,
    ) -> None:
        self._rasa = rasa
        self._sessions = sessions
        self._dispatcher = dispatcher
        self._secret_key = secret_key
        self.lease = lease
        # Seals the question of every pending reply written in this process, opens those it takes over.
        self.seal = QuestionSeal(secret_key)

    async def answer(self, pending: Pending, *, metadata: dict[str, Any] | None = None) -> bool:
        """Ask the dialogue engine and send its answer; False when another process holds the row now."""
        messages = await converse(
            self._rasa,
            sender=pending.sender,
            text=pending.question,
            channel=CONVERSE_CHANNEL.get(pending.channel, pending.channel),
            metadata=metadata,
            sessions=self._sessions,
            secret_key=self._secret_key,
        )
        return await self.finish(pending, messages)

    async def finish(self, pending: Pending, messages: list[ChatMessage]) -> bool:
        """Store the answer in the pending row (if this generation still holds it) and deliver it."""
        kind = ChannelKind(pending.channel)
        # An SMS row keeps every reply, one a line, beside the template its channel shapes them into.
        text = "\n".join(m.text for m in messages) if kind == ChannelKind.sms else join(messages)
        draft = plugin_for(kind).compose(Draft(text=text))
        template, params = draft.sms_template, draft.sms_params

        def store(session: Session) -> bool:
            return complete(session, pending, text=text, sms_template=template, sms_params=params)

        if not await in_transaction(self._sessions, store):
            log.info("pending reply %s: not answered by this generation (%s)", pending.id, pending.generation)
            return False
        await self._dispatcher.deliver([pending.id])
        return True

    async def sweep(self) -> int:
        """Answer the pending replies whose lease ended; returns how many were taken over."""

        def take(session: Session) -> list[Pending]:
            return claim_due(session, lease=self.lease, seal=self.seal)

        taken = await in_transaction(self._sessions, take)
        if taken:
            log.warning("taking over %d pending replies left unanswered", len(taken))
        results = await asyncio.gather(
            *(self.answer(p, metadata={"retry_of": p.dedup_key}) for p in taken), return_exceptions=True
        )
        for pending, result in zip(taken, results, strict=True):
            if isinstance(result, BaseException):  # the row stays pending: tried again after its lease
                log.error("pending reply %s failed: %s", pending.id, type(result).__name__, exc_info=result)
        return len(taken)
