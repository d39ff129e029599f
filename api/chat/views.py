from __future__ import annotations

from fastapi import APIRouter, Request

from api.chat.schemas import ChatRequest, ChatResponse
from api.chat.service import converse

router = APIRouter(tags=["对话"])


@router.post("/v1/chat", response_model=ChatResponse, summary="网页对话（与微信、短信同一路径）")
async def chat(body: ChatRequest, request: Request) -> ChatResponse:
    messages = await converse(request.app.state.rasa, sender=f"web:{body.sender}", text=body.message, channel="web")
    return ChatResponse(messages=messages)
