"""The web chat channel's request and response bodies (POST /v1/chat and the page's reads)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from api.chat.schemas import MAX_MESSAGE_CHARS, ChatMessage

# The chat page makes "web-" + 32 hex digits (128 random bits); a short id is guessable.
MIN_SENDER_CHARS = 16
SENDER_TOO_SHORT = f"会话标识太短（至少{MIN_SENDER_CHARS}个字符），请刷新网页后重试"
# The id becomes part of Rasa's URL path (/conversations/web:<id>/…), which Rasa's server does
# not percent-decode: an id with any other character would name a different conversation there.
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]+")
SENDER_CHARACTERS = "会话标识只能由字母、数字和 - _ . ~ 组成，请刷新网页后重试"


def check_sender(value: str) -> str:
    if len(value) < MIN_SENDER_CHARS:
        raise ValueError(SENDER_TOO_SHORT)
    if not _URL_SAFE.fullmatch(value):
        raise ValueError(SENDER_CHARACTERS)
    return value


class ChatRequest(BaseModel):
    sender: str = Field(
        min_length=1,
        max_length=128,
        description=f"会话标识，至少{MIN_SENDER_CHARS}个字符的随机值，如 web-<32位十六进制>",
    )
    message: str = Field(max_length=MAX_MESSAGE_CHARS * 4, description="用户输入的文字")

    @field_validator("sender")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        return check_sender(value)


class ChatResponse(BaseModel):
    messages: list[ChatMessage]


class WebOutboxMessage(BaseModel):
    id: int
    text: str
    created_at: datetime
    author: str = Field(default="assistant", description="assistant（智能客服）或 staff（工作人员）")
    quick_replies: list[str] = Field(default_factory=list, description="可点选的回复，如 满意、基本满意、不满意")


class WebOutbox(BaseModel):
    messages: list[WebOutboxMessage]


class HistoryMessage(BaseModel):
    author: str = Field(description="claimant（用户本人，号码已隐去）、assistant（智能客服）或 staff（工作人员）")
    text: str
    created_at: datetime
    quick_replies: list[str] = Field(default_factory=list)


class ChatHistory(BaseModel):
    messages: list[HistoryMessage] = Field(description="最近的消息，从早到晚")
    outbox_after: int = Field(
        description="已包含的后续消息中最大的编号：GET /v1/chat/messages 的 after 从这里接着取，不会重复"
    )
    retention_days: int = Field(description="消息保留天数，更早的不再显示")
