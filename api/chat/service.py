"""The one path every conversation takes: web chat, WeChat and SMS alike.

gateway → dialogue engine (Rasa) → actions → API services. The gateway never
answers a policy question itself; it only guards the path (empty or oversized
input, engine down) so the claimant always gets a reply, never silence.
Per-sender rate limits and body-size limits are applied by each channel before
it calls `converse` (WeChat must not count its own retries).

Trackers hold no personal data: before Rasa sees a message, ID numbers (and,
while a code challenge is pending for the sender, 6-digit codes) are replaced by
handles the identity API resolves (api/identity/handles.py). SMS senders arrive
here already pseudonymous (api/channels/sms/senders.py).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.chat.rasa_client import DialogueUnavailable, RasaClient
from api.chat.schemas import MAX_MESSAGE_CHARS, ChatMessage
from api.db import committed
from api.identity.handles import substitute
from api.metrics import CHAT_FALLBACKS, CHAT_TURNS
from api.request_id import current_request_id
from api.tickets.handoff.gateway import held_reply

log = logging.getLogger(__name__)

EMPTY_REPLY = "您好，请直接输入您想咨询的失业保险问题，例如“失业金怎么申领”。"
TOO_LONG_REPLY = f"您的消息太长了，请分几次发送，每次不超过{MAX_MESSAGE_CHARS}个字。"
UNAVAILABLE_REPLY = "系统暂时无法回答，请稍后再试，或拨打12333人社服务热线咨询。"
SILENT_REPLY = "抱歉，刚才没能处理完您的消息，我们重新开始。请再说一遍您的问题，或回复“人工”转人工服务，也可拨打12333。"
LOGGED_CHARS = 200


def normalise(text: str) -> str:
    """NFKC folds full-width letters and digits (ＡＰＰ, １２３３３) into their usual forms."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return text.strip()


async def converse(
    rasa: RasaClient,
    *,
    sender: str,
    text: str,
    channel: str,
    sessions: sessionmaker[Session],
    secret_key: str,
    metadata: dict[str, Any] | None = None,
    origin: str | None = None,
) -> list[ChatMessage]:
    """The replies to one message from `sender` ("web:<id>", "wx:<openid>", "sms:p<pseudonym>").

    `sessions` lets hooks that need the database (e.g. the human hand-off, the handles)
    open their own short transaction; `secret_key` keys the handles that replace ID numbers
    and codes before Rasa sees the text. Both are required: a channel that left them out once
    sent every ID number to Rasa masked, so no claimant on it could verify. `origin` is the
    quota key of the client's address, where the channel knows it.
    """
    clean = normalise(text)
    if not clean:
        return [ChatMessage(text=EMPTY_REPLY)]
    if len(clean) > MAX_MESSAGE_CHARS:
        log.info("message from %s via %s refused: %d characters", sender, channel, len(clean))
        return [ChatMessage(text=TOO_LONG_REPLY)]
    # A conversation handed to people (a ticket with this sender) does not reach the bot.
    held, for_rasa = await _prepare(sessions, secret_key=secret_key, sender=sender, text=clean, origin=origin)
    if held is not None:
        return [ChatMessage(text=held)]
    # Personal data in the text is masked by the log-record factory (api/privacy.py).
    log.info("message from %s via %s: %s", sender, channel, clean[:LOGGED_CHARS])
    CHAT_TURNS.labels(channel).inc()
    # The request id travels with the message: the action server reads it from the tracker's
    # latest message and repeats it as X-Request-ID, so the turn's API calls log under the same id.
    turn = {"channel": channel, **(metadata or {})}
    if (request_id := current_request_id()) is not None:
        turn["request_id"] = request_id
    try:
        raw = await rasa.send(sender=sender, text=for_rasa, metadata=turn)
    except DialogueUnavailable as exc:
        CHAT_FALLBACKS.labels(channel, "unavailable").inc()
        log.error("dialogue engine unavailable for %s: %s", channel, exc)
        return [ChatMessage(text=UNAVAILABLE_REPLY)]
    messages = [
        ChatMessage(text=m["text"], quick_replies=_button_titles(m.get("buttons")))
        for m in raw
        if isinstance(m, dict) and m.get("text")
    ]
    if not messages:
        # An action failed inside Rasa. Left alone, the conversation keeps predicting it and stays
        # silent until the session expires; a restart gives the claimant a working conversation.
        CHAT_FALLBACKS.labels(channel, "silent").inc()
        restarted = await rasa.restart(sender=sender)
        log.error("empty answer for %s via %s; conversation restarted: %s", sender, channel, restarted)
        return [ChatMessage(text=SILENT_REPLY)]
    return messages


def _button_titles(buttons: Any) -> list[str]:
    """Rasa's buttons as the texts the page offers; a tap sends the title, which the NLU reads
    like typed text (a "/intent" payload would skip the handle substitution above)."""
    if not isinstance(buttons, list):
        return []
    titles = (str(b.get("title") or "").strip() for b in buttons if isinstance(b, dict))
    return [title for title in titles if title]


async def _prepare(
    sessions: sessionmaker[Session], *, secret_key: str, sender: str, text: str, origin: str | None
) -> tuple[str | None, str]:
    """(the hand-off's reply, when the conversation is with people; else None, the text Rasa may see).

    Both steps need the database, which is sync: one trip to the thread pool for the two.
    The text Rasa sees has ID numbers and pending codes as handles, stored in their own
    committed transaction (the action server resolves them through the API at once).
    """

    def run() -> tuple[str | None, str]:
        held = held_reply(sessions, sender=sender, text=text)
        if held is not None:
            return held, ""
        replaced, _ = committed(
            sessions,
            lambda session: substitute(session, secret_key=secret_key, sender=sender, text=text, origin=origin),
        )
        return None, replaced

    return await run_in_threadpool(run)
