from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

MAX_MESSAGE_CHARS = 1000


class ChatRequest(BaseModel):
    sender: str = Field(min_length=1, max_length=128, description="会话标识，如 web-123")
    message: str = Field(max_length=MAX_MESSAGE_CHARS * 4, description="用户输入的文字")


class ChatMessage(BaseModel):
    text: str


class ChatResponse(BaseModel):
    messages: list[ChatMessage]


class WebOutboxMessage(BaseModel):
    id: int
    text: str
    created_at: datetime


class WebOutbox(BaseModel):
    messages: list[WebOutboxMessage]
