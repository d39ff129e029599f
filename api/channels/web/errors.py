"""The web chat channel's errors (rendered by the one handler in api/errors.py)."""

from __future__ import annotations

from api.channels.web.schemas import SENDER_TOO_SHORT
from api.errors import ForbiddenError, ValidationFailed


class SenderTooShort(ValidationFailed):
    """A page's read naming a guessable conversation id (POST /v1/chat refuses it in ChatRequest)."""

    def __init__(self) -> None:
        super().__init__(SENDER_TOO_SHORT, fields={"sender": SENDER_TOO_SHORT})


class NotYourConversation(ForbiddenError):
    code = "chat_session_mismatch"
    message = "该会话属于另一个浏览器，请刷新页面开始新的会话。"


class NotYourConversationToRead(NotYourConversation):
    message = "只能在发起会话的浏览器中查看该会话。"
