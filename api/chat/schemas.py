"""What the gateway (api/chat/service.py) takes and gives back, whatever the channel."""

from __future__ import annotations

from pydantic import BaseModel, Field

MAX_MESSAGE_CHARS = 1000


class ChatMessage(BaseModel):
    text: str
    quick_replies: list[str] = Field(
        default_factory=list, description="对话引擎给出的可点选回复（Rasa buttons 的标题），点选即发送"
    )
