from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.channels.limits import read_limited_body
from api.channels.outbound import web_messages
from api.channels.runtime import channels
from api.chat.schemas import ChatMessage, ChatRequest, ChatResponse, WebOutbox, WebOutboxMessage
from api.chat.service import converse
from api.db import SessionDep
from api.errors import TooManyRequests

router = APIRouter(tags=["对话"])

MAX_BODY_BYTES = 16_384
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ChatRequest.model_json_schema()}},
    }
}


@router.post(
    "/v1/chat",
    response_model=ChatResponse,
    summary="网页对话（与微信、短信同一路径）",
    openapi_extra=_BODY_DOC,
    responses={413: {"description": "内容过大"}, 429: {"description": "发送过于频繁"}},
)
async def chat(request: Request) -> ChatResponse:
    # The body is read with a cap before parsing, so an oversized upload is refused unread.
    raw = await read_limited_body(request, MAX_BODY_BYTES)
    try:
        body = ChatRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    sender = f"web:{body.sender}"
    refusal = await channels(request).limiter.hit(sender)
    if refusal is not None:
        raise TooManyRequests(refusal)
    messages = await converse(
        request.app.state.rasa,
        sender=sender,
        text=body.message,
        channel="web",
        sessions=request.app.state.sessionmaker,
    )
    return ChatResponse(messages=[ChatMessage(text=m.text) for m in messages])


@router.get("/v1/chat/messages", response_model=WebOutbox, summary="网页会话的后续消息（如工单答复）")
def later_messages(
    session: SessionDep,
    sender: Annotated[str, Query(min_length=1, max_length=128, description="与 POST /v1/chat 相同的会话标识")],
    after: Annotated[int, Query(ge=0, description="只返回编号大于此值的消息")] = 0,
) -> WebOutbox:
    rows = web_messages(session, sender=f"web:{sender}", after_id=after)
    return WebOutbox(messages=[WebOutboxMessage(id=r.id, text=r.text, created_at=r.created_at) for r in rows])
